package io.tieredmemory.postgres;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Wraps a data source and records every call that makes the driver talk to the server: statement
 * executions, commits and rollbacks. {@code setAutoCommit(false)} is not one (the driver sends
 * BEGIN with the next statement); {@code setAutoCommit(true)} inside a transaction is, and is
 * recorded.
 */
final class CountingDataSource {
  private static final Set<String> EXECUTIONS =
      Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch");

  private final DataSource target;
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final DataSource proxy;

  CountingDataSource(DataSource target) {
    this.target = target;
    this.proxy = proxy(DataSource.class, target, null);
  }

  DataSource dataSource() {
    return proxy;
  }

  /** What was recorded so far, e.g. {@code executeQuery: SELECT ... WHERE key = ?}. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  void reset() {
    calls.clear();
  }

  @Override
  public String toString() {
    return "CountingDataSource[" + target + "]";
  }

  private <T> T proxy(Class<T> type, Object delegate, String sql) {
    InvocationHandler handler = (p, method, args) -> invoke(delegate, method, args, sql);
    return type.cast(
        Proxy.newProxyInstance(getClass().getClassLoader(), interfacesOf(delegate), handler));
  }

  private static Class<?>[] interfacesOf(Object delegate) {
    if (delegate instanceof java.sql.PreparedStatement) {
      return new Class<?>[] {java.sql.PreparedStatement.class};
    }
    if (delegate instanceof Statement) {
      return new Class<?>[] {Statement.class};
    }
    if (delegate instanceof Connection) {
      return new Class<?>[] {Connection.class};
    }
    return new Class<?>[] {DataSource.class};
  }

  private Object invoke(Object delegate, Method method, Object[] args, String sql)
      throws Throwable {
    String name = method.getName();
    if (delegate instanceof Statement && EXECUTIONS.contains(name)) {
      calls.add(name + ": " + (sql != null ? sql : String.valueOf(args[0])));
    } else if (delegate instanceof Connection
        && (name.equals("commit")
            || name.equals("rollback")
            || (name.equals("setAutoCommit")
                && Boolean.TRUE.equals(args[0])
                && !((Connection) delegate).getAutoCommit()))) {
      calls.add(name);
    }
    Object result;
    try {
      result = method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (result instanceof Connection c) {
      return proxy(Connection.class, c, null);
    }
    if (result instanceof java.sql.PreparedStatement ps) {
      return proxy(java.sql.PreparedStatement.class, ps, (String) args[0]);
    }
    if (result instanceof Statement s) {
      return proxy(Statement.class, s, null);
    }
    return result;
  }
}

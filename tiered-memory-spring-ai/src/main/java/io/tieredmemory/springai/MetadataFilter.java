package io.tieredmemory.springai;

import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.vectorstore.filter.Filter;

/**
 * Evaluates a Spring AI filter expression on one document's typed metadata, looked up by key (so
 * that only the entries the expression names are decoded).
 *
 * <ul>
 *   <li>{@code ==}, {@code !=}, {@code IN}, {@code NIN}: numbers compare by value ({@code 2023}
 *       equals {@code 2023.0}), other values with {@code equals}; a string never equals a number.
 *   <li>{@code >}, {@code >=}, {@code <}, {@code <=}: numbers by value, strings in lexicographic
 *       order (dates, stored as ISO-8601 text, compare in time order); any other pair (a number and
 *       a string, a boolean, a missing key) is false, never an error.
 *   <li>a missing key: {@code ==} and {@code IN} are false, {@code !=} and {@code NIN} true, as
 *       Spring AI's {@code SimpleVectorStore} does; {@code IS NULL} is true.
 *   <li>a {@link Date} in the expression is compared as the text dates are stored as.
 *   <li>keys may be quoted ({@code "country"} or {@code 'country'}).
 * </ul>
 */
final class MetadataFilter {

  private MetadataFilter() {}

  /** Whether the metadata {@code lookup} gives satisfies {@code expression}. */
  static boolean test(Filter.Expression expression, Function<String, @Nullable Object> lookup) {
    return switch (expression.type()) {
      case AND -> operand(left(expression), lookup) && operand(right(expression), lookup);
      case OR -> operand(left(expression), lookup) || operand(right(expression), lookup);
      case NOT -> !operand(left(expression), lookup);
      case EQ -> same(value(expression, lookup), constant(expression));
      case NE -> !same(value(expression, lookup), constant(expression));
      case GT -> order(value(expression, lookup), constant(expression)) > 0;
      case GTE -> {
        @Nullable Object v = value(expression, lookup);
        Object c = constant(expression);
        yield order(v, c) > 0 || same(v, c);
      }
      case LT -> {
        int o = order(value(expression, lookup), constant(expression));
        yield o < 0 && o != UNORDERED;
      }
      case LTE -> {
        @Nullable Object v = value(expression, lookup);
        Object c = constant(expression);
        int o = order(v, c);
        yield (o < 0 && o != UNORDERED) || same(v, c);
      }
      case IN -> in(value(expression, lookup), list(expression));
      case NIN -> !in(value(expression, lookup), list(expression));
      case ISNULL -> value(expression, lookup) == null;
      case ISNOTNULL -> value(expression, lookup) != null;
    };
  }

  private static final int UNORDERED = Integer.MIN_VALUE;

  private static boolean operand(
      Filter.Operand operand, Function<String, @Nullable Object> lookup) {
    if (operand instanceof Filter.Group group) {
      return test(group.content(), lookup);
    }
    if (operand instanceof Filter.Expression e) {
      return test(e, lookup);
    }
    throw new IllegalArgumentException(
        "a logical operand must be an expression or a group, was " + operand);
  }

  private static Filter.Operand left(Filter.Expression e) {
    return e.left();
  }

  private static Filter.Operand right(Filter.Expression e) {
    Filter.Operand right = e.right();
    if (right == null) {
      throw new IllegalArgumentException(e.type() + " needs a right operand, had none in " + e);
    }
    return right;
  }

  private static @Nullable Object value(
      Filter.Expression e, Function<String, @Nullable Object> lookup) {
    if (!(e.left() instanceof Filter.Key key)) {
      throw new IllegalArgumentException(
          e.type() + " needs a metadata key on its left, was " + e.left() + " in " + e);
    }
    return lookup.apply(unquote(key.key()));
  }

  /** A key without the quotes the text parser may leave around it. */
  static String unquote(String key) {
    if (key.length() >= 2) {
      char first = key.charAt(0);
      char last = key.charAt(key.length() - 1);
      if ((first == '"' || first == '\'') && last == first) {
        return key.substring(1, key.length() - 1);
      }
    }
    return key;
  }

  private static Object constant(Filter.Expression e) {
    if (!(right(e) instanceof Filter.Value v)) {
      throw new IllegalArgumentException(
          e.type() + " needs a value on its right, was " + e.right() + " in " + e);
    }
    return normalize(v.value());
  }

  private static Object normalize(Object value) {
    return value instanceof Date date
        ? DocumentMetadataCodec.DATE_FORMAT.format(date.toInstant())
        : value;
  }

  private static List<?> list(Filter.Expression e) {
    Object c = constant(e);
    if (c instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException(
        e.type() + " needs a list of values on its right, was " + c + " in " + e);
  }

  private static boolean in(@Nullable Object value, List<?> candidates) {
    for (Object c : candidates) {
      if (same(value, c == null ? null : normalize(c))) {
        return true;
      }
    }
    return false;
  }

  private static boolean same(@Nullable Object value, @Nullable Object constant) {
    if (value == null || constant == null) {
      return value == null && constant == null;
    }
    if (value instanceof Number a && constant instanceof Number b) {
      return compareNumbers(a, b) == 0;
    }
    return Objects.equals(value, constant);
  }

  /** Negative, zero or positive; {@link #UNORDERED} when the two cannot be ordered. */
  private static int order(@Nullable Object value, Object constant) {
    if (value instanceof Number a && constant instanceof Number b) {
      return compareNumbers(a, b);
    }
    if (value instanceof String a && constant instanceof String b) {
      return Integer.signum(a.compareTo(b));
    }
    return UNORDERED;
  }

  private static int compareNumbers(Number a, Number b) {
    BigDecimal x = exact(a);
    BigDecimal y = exact(b);
    if (x != null && y != null) {
      return x.compareTo(y);
    }
    return Double.compare(a.doubleValue(), b.doubleValue());
  }

  private static @Nullable BigDecimal exact(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
    }
    try {
      return new BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}

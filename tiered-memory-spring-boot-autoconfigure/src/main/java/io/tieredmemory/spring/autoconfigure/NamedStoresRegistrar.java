package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.TieredMemory;
import java.util.Map;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@link TieredMemory} bean per entry of {@code tiered-memory.stores}: bean {@code
 * tieredMemory.<name>}, qualifier {@code <name>}, built lazily by {@link TieredMemoryFactory} from
 * the top-level properties overridden by the entry's own.
 */
class NamedStoresRegistrar
    implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {
  private Environment environment;
  private BeanFactory beanFactory;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
    this.beanFactory = beanFactory;
  }

  @Override
  public void registerBeanDefinitions(
      AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    Binder binder = Binder.get(environment);
    Map<String, StoreProperties> stores =
        binder
            .bind(NamedStoresCondition.STORES, Bindable.mapOf(String.class, StoreProperties.class))
            .orElse(Map.of());
    for (String name : stores.keySet()) {
      String prefix = TieredMemoryProperties.PREFIX + ".stores[" + name + "]";
      RootBeanDefinition bean =
          new RootBeanDefinition(
              TieredMemory.class,
              () -> {
                // The top level first, then the entry over it: an entry starts from the top level.
                StoreProperties p = new StoreProperties();
                Binder b = Binder.get(environment);
                b.bind(TieredMemoryProperties.PREFIX, Bindable.ofInstance(p));
                b.bind(prefix, Bindable.ofInstance(p));
                return beanFactory.getBean(TieredMemoryFactory.class).create(name, p, prefix, true);
              });
      bean.setDestroyMethodName("close");
      bean.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
      registry.registerBeanDefinition("tieredMemory." + name, bean);
    }
  }
}

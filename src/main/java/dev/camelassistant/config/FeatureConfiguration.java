package dev.camelassistant.config;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceSupport;

/**
 * What the configuration classes of {@link AppConfiguration#FEATURES} share: camel-main injects
 * their {@code @PropertyInject} and {@code @BeanInject} fields, then calls their
 * {@code @BindToRegistry} methods and binds what they return under the method's name; a class
 * runs after the classes before it in that list, so it may inject their beans.
 * <p>
 * Within one class camel-main calls the methods without parameters first, then those whose
 * parameters no other method with parameters returns, then the rest: a bean of the same class is
 * taken as a parameter, a bean of an earlier class as a field.
 */
public abstract class FeatureConfiguration implements CamelConfiguration, CamelContextAware {

    protected CamelContext context;

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        // the beans are bound by the @BindToRegistry methods
    }

    /**
     * Runs {@code action} when the context stops, after its routes, in the reverse order of
     * registration. (Beans called from routes are not Camel services themselves: Camel would stop
     * such a bean as soon as the first route using it stops, while other routes still need it
     * during a graceful shutdown.)
     */
    protected void onStop(Runnable action) {
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    action.run();
                }
            }, true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Camel service of the context: started now (or with the context), stopped after the routes. */
    protected <T extends org.apache.camel.Service> T service(T service) {
        try {
            context.addService(service, true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return service;
    }
}

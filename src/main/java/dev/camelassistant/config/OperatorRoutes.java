package dev.camelassistant.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the operator's YAML routes from ROUTES_DIR: a route whose id matches a built-in route
 * replaces it, any other route is added.
 */
public final class OperatorRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorRoutes.class);

    private OperatorRoutes() {
    }

    public static void load(CamelContext context, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("ROUTES_DIR: " + dir + " is not a directory");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("ROUTES_DIR: cannot list " + dir + " (" + e.getMessage() + ")", e);
        }
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        for (Path file : files) {
            try {
                Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + file);
                for (RoutesBuilder builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
                    if (builder instanceof RouteBuilder rb) {
                        Set<String> ids = rb.configureRoutes(context).getRoutes().stream()
                                .map(RouteDefinition::getRouteId).collect(Collectors.toSet());
                        List<RouteDefinition> replaced = model.getRouteDefinitions().stream()
                                .filter(d -> ids.contains(d.getRouteId())).toList();
                        model.removeRouteDefinitions(replaced);
                        replaced.forEach(d -> LOG.info("Route {} replaced by {}", d.getRouteId(), file.getFileName()));
                    }
                    builder.addRoutesToCamelContext(context);
                }
            } catch (Exception e) {
                throw new IllegalStateException("ROUTES_DIR: cannot load " + file.getFileName() + ": " + e.getMessage(), e);
            }
        }
        LOG.info("Loaded {} route file(s) from {}", files.size(), dir);
    }
}

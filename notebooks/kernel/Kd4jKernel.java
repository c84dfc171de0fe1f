import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.LogManager;

import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.Transform;

/**
 * Starts rapaio-jupyter-kernel 3.0.1 the way its {@code MainApp} does, minus a start-up race.
 *
 * <p>{@code Channels.connect} binds the sockets and starts their polling threads before it creates its message
 * handler map. A {@code kernel_info_request} that arrives in between (Jupyter sends one at once) makes the shell
 * thread throw a {@code NullPointerException} and die: the kernel never answers and the client gives up ("Kernel
 * didn't respond"). On this project's busy 2-core machine 4 of 12 starts hung; none of 14 with this launcher.
 *
 * <p>This launcher puts a placeholder map into that field before {@code connect}: a lookup waits until
 * {@code connect} has installed the real handlers, then answers from them. Nothing else differs from
 * {@code java -jar rapaio-jupyter-kernel-3.0.1.jar CONNECTION_FILE}. Compiled by {@code notebooks/setup-kernel.sh}
 * into the kernelspec; not part of kd4j's build.
 */
public final class Kd4jKernel {

    private Kd4jKernel() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp rapaio-jupyter-kernel.jar:. Kd4jKernel CONNECTION_FILE");
            System.exit(2);
        }
        LogManager.getLogManager().readConfiguration(MainApp.class.getClassLoader().getResourceAsStream("logging.properties"));
        Path file = Path.of(args[0]);
        ConnectionProperties props = Transform.fromJson(Files.readString(file), ConnectionProperties.class);
        if ("ipc".equals(props.transport())) {
            throw new IllegalArgumentException("ipc transport is not supported by rapaio-jupyter-kernel (" + file + ")");
        }
        Channels channels = new Channels(props);
        try {
            Field handlers = Channels.class.getDeclaredField("handlers");
            handlers.setAccessible(true);
            handlers.set(channels, new AwaitHandlers(channels, handlers));
        } catch (NoSuchFieldException e) {
            // another kernel version than the one setup-kernel.sh pins: start it as it is
            System.err.println("Kd4jKernel: no Channels.handlers field; starting without the start-up race workaround");
        }
        channels.connect(MainApp.kernel);
        channels.joinUntilClose();
    }

    /** Stands in for the handler map until {@code Channels.connect} replaces it; lookups wait for the real one. */
    private static final class AwaitHandlers extends AbstractMap<Object, Object> {
        private static final long MAX_WAIT_MS = 60_000;
        private final Channels channels;
        private final Field field;

        AwaitHandlers(Channels channels, Field field) {
            this.channels = channels;
            this.field = field;
        }

        @Override
        public Object get(Object key) {
            long deadline = System.currentTimeMillis() + MAX_WAIT_MS;
            try {
                Object current = field.get(channels);
                while (current == this && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                    current = field.get(channels);
                }
                return current == this ? null : ((Map<?, ?>) current).get(key);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read Channels.handlers", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public Set<Entry<Object, Object>> entrySet() {
            return Set.of();
        }
    }
}

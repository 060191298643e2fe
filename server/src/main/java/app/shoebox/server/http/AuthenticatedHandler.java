package app.shoebox.server.http;

import app.shoebox.server.auth.AuthUser;
import io.javalin.http.Context;

/** A route handler that runs only once the caller is known and allowed. */
@FunctionalInterface
public interface AuthenticatedHandler {
    void handle(Context ctx, AuthUser user) throws Exception;
}

package app.shoebox.server.unavailable;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.Validation;
import io.javalin.http.Context;

import java.util.List;

/**
 * What Shoebox answers for Immich features it does not have (faces and people, smart search,
 * shared links, partners, memories, the map, OAuth), so Immich's apps keep working: the lists
 * they load on their pages are empty, as on an Immich where none was made, and what would create
 * one is a 400 saying the feature is not available here (Immich's own words where it has them,
 * e.g. "Smart search is not enabled"). Authentication and permissions are checked as for any
 * route. docs/immich-compatibility.md lists them and why.
 */
public final class NotAvailableRoutes implements Api.Routes {

    record PeopleResponseDto(List<Object> people, int total, int hidden, boolean hasNextPage) {}

    @Override
    public void register(Api api) {
        api.get("/people", Access.permission(Permission.PERSON_READ), (ctx, user) ->
                ctx.json(new PeopleResponseDto(List.of(), 0, 0, false)));
        api.post("/people", Access.permission(Permission.PERSON_CREATE), (ctx, user) -> refuse("People"));
        api.get("/faces", Access.permission(Permission.FACE_READ), (ctx, user) -> {
            Validation.uuid(ctx.queryParam("id"), "id");
            ctx.json(List.of());
        });
        api.get("/search/explore", Access.permission(Permission.ASSET_READ), (ctx, user) -> ctx.json(List.of()));
        api.post("/search/smart", Access.permission(Permission.ASSET_READ), (ctx, user) -> {
            throw ApiException.badRequest("Smart search is not enabled");
        });
        api.get("/shared-links", Access.permission(Permission.SHARED_LINK_READ), (ctx, user) -> ctx.json(List.of()));
        api.post("/shared-links", Access.permission(Permission.SHARED_LINK_CREATE), (ctx, user) -> refuse("Shared links"));
        api.get("/partners", Access.permission(Permission.PARTNER_READ), (ctx, user) -> {
            direction(ctx);
            ctx.json(List.of());
        });
        api.post("/partners", Access.permission(Permission.PARTNER_CREATE), (ctx, user) -> refuse("Partner sharing"));
        api.get("/memories", Access.permission(Permission.MEMORY_READ), (ctx, user) -> ctx.json(List.of()));
        api.post("/memories", Access.permission(Permission.MEMORY_CREATE), (ctx, user) -> refuse("Memories"));
        api.get("/map/markers", Access.permission(Permission.MAP_READ), (ctx, user) -> ctx.json(List.of()));
        api.postOpen("/oauth/authorize", app.shoebox.server.http.BodyLimit.LOGIN_BYTES, ctx -> {
            throw ApiException.badRequest("OAuth is not enabled");
        });
        api.postOpen("/oauth/callback", app.shoebox.server.http.BodyLimit.LOGIN_BYTES, ctx -> {
            throw ApiException.badRequest("OAuth is not enabled");
        });
    }

    private static void refuse(String feature) {
        throw ApiException.badRequest(feature + (feature.endsWith("s") ? " are" : " is") + " not available on this Shoebox server; "
                + "see docs/immich-compatibility.md for the Immich features it does not serve");
    }

    /** {@code direction} is required, shared-by or shared-with, as in Immich. */
    private static void direction(Context ctx) {
        String d = ctx.queryParam("direction");
        if (d == null) {
            throw Validation.fail(Validation.required("string", "direction"));
        }
        if (!d.equals("shared-by") && !d.equals("shared-with")) {
            throw Validation.fail(Validation.invalidValue(List.of("shared-by", "shared-with"), "direction"));
        }
    }
}

package app.shoebox.server.libraries;

import app.shoebox.server.auth.AuthRoutes;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.Validation;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/libraries/*}: Immich's external library endpoints, all admin-only as in Immich.
 * Shoebox adds {@code followOutsideSymlinks} to create and update (see docs/api-extensions.md).
 */
public final class LibraryRoutes implements Api.Routes {

    record CreateLibraryDto(String ownerId, String name, List<String> importPaths, List<String> exclusionPatterns,
                            Boolean followOutsideSymlinks) {}

    record UpdateLibraryDto(String name, List<String> importPaths, List<String> exclusionPatterns, Boolean followOutsideSymlinks) {}

    record ValidateLibraryDto(List<String> importPaths, List<String> exclusionPatterns) {}

    record LibraryResponseDto(String id, String ownerId, String name, List<String> importPaths, List<String> exclusionPatterns,
                              long assetCount, Instant createdAt, Instant updatedAt, Instant refreshedAt,
                              boolean followOutsideSymlinks) {}

    record LibraryStatsResponseDto(long photos, long videos, long total, long usage, long offline) {}

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record ValidateLibraryImportPathResponseDto(String importPath, boolean isValid, String message) {}

    record ValidateLibraryResponseDto(List<ValidateLibraryImportPathResponseDto> importPaths) {}

    /** Immich's validate route names no permission, only the admin. */
    private static final Access ADMIN = new Access(Optional.empty(), true);

    private final LibraryService libraries;

    public LibraryRoutes(LibraryService libraries) {
        this.libraries = libraries;
    }

    @Override
    public void register(Api api) {
        api.get("/libraries", Access.admin(Permission.LIBRARY_READ), (ctx, user) ->
                ctx.json(libraries.list().stream().map(this::response).toList()));
        api.post("/libraries", Access.admin(Permission.LIBRARY_CREATE), (ctx, user) -> {
            CreateLibraryDto dto = ctx.bodyAsClass(CreateLibraryDto.class);
            if (dto.ownerId() == null) {
                throw Validation.fail(Validation.required("string", "ownerId"));
            }
            UUID owner = Validation.uuid(dto.ownerId(), "ownerId");
            Library created = saving(() -> libraries.create(owner, Optional.ofNullable(dto.name()),
                    Optional.ofNullable(dto.importPaths()).orElse(List.of()), Optional.ofNullable(dto.exclusionPatterns()),
                    Boolean.TRUE.equals(dto.followOutsideSymlinks())));
            ctx.status(201).json(response(created));
        });
        api.get("/libraries/{id}", Access.admin(Permission.LIBRARY_READ), (ctx, user) -> ctx.json(response(library(ctx))));
        api.put("/libraries/{id}", Access.admin(Permission.LIBRARY_UPDATE), (ctx, user) -> {
            UUID id = library(ctx).id();
            UpdateLibraryDto dto = ctx.bodyAsClass(UpdateLibraryDto.class);
            Library updated = saving(() -> libraries.update(id, new LibraryService.Changes(Optional.ofNullable(dto.name()),
                    Optional.ofNullable(dto.importPaths()), Optional.ofNullable(dto.exclusionPatterns()),
                    Optional.ofNullable(dto.followOutsideSymlinks()))).orElseThrow(LibraryRoutes::notFound));
            ctx.json(response(updated));
        });
        api.delete("/libraries/{id}", Access.admin(Permission.LIBRARY_DELETE), (ctx, user) -> {
            if (!libraries.delete(library(ctx).id())) {
                throw notFound();
            }
            ctx.status(204);
        });
        api.post("/libraries/{id}/scan", Access.admin(Permission.LIBRARY_UPDATE), (ctx, user) -> {
            Library library = library(ctx);
            saving(() -> {
                libraries.scan(library);
                return library;
            });
            ctx.status(204);
        });
        api.get("/libraries/{id}/statistics", Access.admin(Permission.LIBRARY_STATISTICS), (ctx, user) -> {
            LibraryService.Statistics s = libraries.statistics(library(ctx).id());
            ctx.json(new LibraryStatsResponseDto(s.photos(), s.videos(), s.total(), s.usage(), s.offline()));
        });
        api.post("/libraries/{id}/validate", ADMIN, (ctx, user) -> {
            library(ctx);
            ValidateLibraryDto dto = ctx.bodyAsClass(ValidateLibraryDto.class);
            List<ValidateLibraryImportPathResponseDto> results = libraries.validate(
                            Optional.ofNullable(dto.importPaths()).orElse(List.of())).stream()
                    .map(c -> new ValidateLibraryImportPathResponseDto(c.importPath(), c.valid(), c.problem().orElse(null)))
                    .toList();
            ctx.json(new ValidateLibraryResponseDto(results));
        });
    }

    private Library library(Context ctx) {
        return libraries.find(AuthRoutes.uuid(ctx.pathParam("id"))).orElseThrow(LibraryRoutes::notFound);
    }

    private static ApiException notFound() {
        return ApiException.badRequest("Library not found");
    }

    private static Library saving(java.util.function.Supplier<Library> save) {
        try {
            return save.get();
        } catch (LibraryService.InvalidLibrary e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private LibraryResponseDto response(Library l) {
        return new LibraryResponseDto(l.id().toString(), l.ownerId().toString(), l.name(), l.importPaths(),
                l.exclusionPatterns(), libraries.assetCount(l.id()), l.createdAt(), l.updatedAt(), l.refreshedAt().orElse(null),
                l.followOutsideSymlinks());
    }
}

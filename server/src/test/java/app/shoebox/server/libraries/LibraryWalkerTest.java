package app.shoebox.server.libraries;

import app.shoebox.testing.TestFolders;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LibraryWalkerTest {

    private static void touch(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    private static List<Path> walkAll(LibraryWalker walker, Optional<Path> after) throws IOException {
        List<Path> seen = new ArrayList<>();
        assertThat(walker.walk(after, seen::add)).isTrue();
        return seen;
    }

    @Test
    void aWalkStoppedAfterAnyFileResumesJustAfterItWithNothingLostOrRepeated() throws IOException {
        Path root = TestFolders.create("walk-");
        for (String f : List.of("a.jpg", "a/x.jpg", "a/b/y.png", "a-b/z.jpg", "a.jpg.d/q.jpg", "b.JPG", "c/d/e/f.mp4",
                "c/d/g.heic", "c/notes.txt", "c/@eaDir/t.jpg", "Z.jpg", "ä.jpg")) {
            touch(root.resolve(f));
        }
        LibraryWalker walker = new LibraryWalker(root, new Exclusions(List.of("**/@eaDir/**")), false);
        List<Path> all = walkAll(walker, Optional.empty());
        assertThat(all).extracting(p -> root.relativize(p).toString()).containsExactly(
                "Z.jpg", "a/b/y.png", "a/x.jpg", "a-b/z.jpg", "a.jpg", "a.jpg.d/q.jpg", "b.JPG", "c/d/e/f.mp4", "c/d/g.heic", "ä.jpg");
        for (int stopAfter = 1; stopAfter <= all.size(); stopAfter++) {
            List<Path> first = new ArrayList<>();
            int limit = stopAfter;
            boolean finished = walker.walk(Optional.empty(), f -> {
                first.add(f);
                return first.size() < limit;
            });
            assertThat(finished).isFalse();
            List<Path> rest = walkAll(walker, Optional.of(root.relativize(first.getLast())));
            List<Path> joined = new ArrayList<>(first);
            joined.addAll(rest);
            assertThat(joined).as("stopped after %d", stopAfter).isEqualTo(all);
        }
    }

    @Test
    void linksInsideAreNotFollowedSoEachFileIsIndexedOnceAndLinksOutOnlyWhenAllowed() throws IOException {
        Path outside = TestFolders.create("outside-");
        touch(outside.resolve("secret.jpg"));
        touch(outside.resolve("dir/other.jpg"));
        Path root = TestFolders.create("links-");
        touch(root.resolve("own/real.jpg"));
        Files.createSymbolicLink(root.resolve("out.jpg"), outside.resolve("secret.jpg"));
        Files.createSymbolicLink(root.resolve("outdir"), outside.resolve("dir"));
        Files.createSymbolicLink(root.resolve("own/loop"), root.resolve("own"));
        Files.createSymbolicLink(root.resolve("inside.jpg"), root.resolve("own/real.jpg"));

        Files.createSymbolicLink(root.resolve("album"), root.resolve("own"));

        // A link inside (to a file, or to a folder) leads to a file the walk indexes at its own path.
        List<Path> confined = walkAll(new LibraryWalker(root, new Exclusions(List.of()), false), Optional.empty());
        assertThat(confined).extracting(p -> root.relativize(p).toString()).containsExactly("own/real.jpg");

        List<Path> followed = walkAll(new LibraryWalker(root, new Exclusions(List.of()), true), Optional.empty());
        assertThat(followed).extracting(p -> root.relativize(p).toString())
                .containsExactly("out.jpg", "outdir/other.jpg", "own/real.jpg");

        // Files named one by one (the watcher's batches, the offline check) are judged the same way.
        ImportPaths.Admission confinedAdmission = new ImportPaths.Admission(root, false);
        ImportPaths.Admission followingAdmission = new ImportPaths.Admission(root, true);
        for (String name : List.of("inside.jpg", "album/real.jpg", "own/loop/real.jpg")) {
            assertThat(confinedAdmission.admit(root.resolve(name))).as(name).isEmpty();
            assertThat(followingAdmission.admit(root.resolve(name))).as(name).isEmpty();
        }
        assertThat(confinedAdmission.admit(root.resolve("own/real.jpg"))).isPresent();
        assertThat(confinedAdmission.admit(root.resolve("out.jpg"))).isEmpty();
        assertThat(confinedAdmission.admit(root.resolve("outdir/other.jpg"))).isEmpty();
        assertThat(followingAdmission.admit(root.resolve("out.jpg"))).isPresent();
        assertThat(followingAdmission.admit(root.resolve("outdir/other.jpg"))).isPresent();
    }

    @Test
    void aFolderExclusionPrunesTheFolderAndAFilePatternMatchesFiles() throws IOException {
        Path root = TestFolders.create("excl-");
        touch(root.resolve("keep/a.jpg"));
        touch(root.resolve("keep/._a.jpg"));
        touch(root.resolve("x/.thumbnails/deep/t.jpg"));
        Exclusions ex = new Exclusions(List.of("**/.thumbnails/**", "**/._*"));
        List<Path> seen = walkAll(new LibraryWalker(root, ex, false), Optional.empty());
        assertThat(seen).extracting(p -> root.relativize(p).toString()).containsExactly("keep/a.jpg");
        assertThat(ex.excludes(root, root.resolve("x/.thumbnails/deep/t.jpg"))).isTrue();
        assertThat(ex.excludes(root, root.resolve("keep/a.jpg"))).isFalse();
    }
}

package app.shoebox.jobs;

import java.util.List;
import java.util.OptionalLong;

/** One page of jobs, newest first; pass {@code nextCursor} to get the next page. */
public record JobPage(List<JobView> jobs, OptionalLong nextCursor) {
}

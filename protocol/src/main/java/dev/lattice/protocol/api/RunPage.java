package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A page of runs, newest first.
 *
 * @param runs the runs of this page
 * @param next the cursor of the next page ({@code after}), absent on the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunPage(List<RunSummary> runs, String next) {}

package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Time limits of one step; each is optional.
 *
 * @param scheduleToStartMs how long an attempt may wait for a worker to pick it up
 * @param startToCloseMs how long one attempt may run once picked up
 * @param heartbeatMs the longest silence allowed between progress reports of a running attempt
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepTimeouts(Long scheduleToStartMs, Long startToCloseMs, Long heartbeatMs) {}

// The run's events as they arrive: sequence number, time, type, step and a line of their data.
import {h} from "../dom.js";
import {brief, clock} from "../format.js";

/** One event as a list item. */
export function eventItem(event) {
  const step = event.stepId ? `${event.stepId}${event.attempt ? " #" + event.attempt : ""}` : "";
  return h("li", {"data-seq": event.seq, "data-type": event.type},
    h("span", {class: "mono"}, event.seq),
    h("span", {class: "mono"}, clock(event.timestamp)),
    h("span", {}, h("strong", {}, event.type), step ? ` ${step}` : ""),
    h("span", {class: "data mono"}, event.data ? brief(event.data) : ""));
}

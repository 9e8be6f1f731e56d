// The text a model is writing, per step, as step.delta elements bring it (docs/api.md, Streamed
// text): a reset replaces the step's text from its offset, otherwise the part past what is held
// is appended. The final text is in the step's output once it succeeds.

export class StreamedTexts {
  constructor() {
    this.texts = new Map();
  }

  /** Takes one delta; whether the text changed. */
  add(delta) {
    const data = delta.data || {};
    const held = this.texts.get(delta.stepId) || "";
    if (data.reset) {
      this.texts.set(delta.stepId, data.text || "");
      return true;
    }
    const end = data.offset + (data.text || "").length;
    if (end <= held.length) return false; // A repeat.
    this.texts.set(delta.stepId, held + data.text.slice(Math.max(0, held.length - data.offset)));
    return true;
  }

  /** Forgets a step's text once its attempt ended: its output has the whole of it. */
  end(stepId) {
    return this.texts.delete(stepId);
  }

  entries() {
    return [...this.texts.entries()];
  }
}

// Who is signed in, as GET /ui/session says: the pages offer only what the principal's roles
// allow (the API refuses the rest anyway, with 403).

let current = {principal: "", tenant: "*", roles: [], authentication: false};

export function setSignedIn(me) {
  current = me;
}

export function signedIn() {
  return current;
}

/** Whether the principal may intervene in runs: pause, resume, cancel, signal, override. */
export function mayIntervene() {
  return current.roles.includes("admin") || current.roles.includes("operator");
}

/** Whether the principal may start runs. */
export function maySubmit() {
  return current.roles.includes("admin") || current.roles.includes("submitter");
}

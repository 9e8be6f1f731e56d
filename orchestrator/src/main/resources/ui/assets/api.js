// The node's API, as the signed-in browser calls it: its session cookie goes with every request,
// and every request that may change something carries the session's CSRF token in a header.

const CSRF_COOKIE = "lattice_csrf";
const CSRF_HEADER = "X-Lattice-CSRF";

/** An answer that is not a success: its status and its problem (RFC 9457), if any. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join("="));
  }
  return null;
}

/** To the sign-in page, which brings the user back here afterwards. */
export function signIn() {
  const here = location.pathname + location.search;
  location.assign("/ui/sign-in?next=" + encodeURIComponent(here));
}

/** {@code method path} with a JSON body (POST and DELETE always send one); the answer's JSON. */
export async function api(path, {method = "GET", body} = {}) {
  const headers = {Accept: "application/json"};
  const init = {method, headers, credentials: "same-origin", cache: "no-store"};
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    const token = csrfToken();
    if (token) headers[CSRF_HEADER] = token;
    init.body = JSON.stringify(body === undefined ? {} : body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    signIn();
    throw new ApiError(401, null);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = {detail: text};
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = path => api(path);
export const post = (path, body) => api(path, {method: "POST", body});

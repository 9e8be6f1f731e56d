package dev.lattice.orchestrator.http;

import dev.lattice.orchestrator.http.auth.SessionTokens;
import dev.lattice.orchestrator.http.ui.UiAssets;
import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web dashboard at {@code /ui} (docs/dashboard.md): its pages and assets, from the files inside
 * the jar ({@link UiAssets}), and its sign-in ({@link DashboardSessionRoutes}). The pages are
 * behind the API's authentication: a browser that has not signed in is sent to {@code /ui/sign-in}.
 * The pages hold no data; their scripts read it from the API with the session cookie.
 *
 * <p>Pages and assets are compressed for clients that accept it (the session's answers, which set
 * cookies, are not). Every answer forbids what the pages do not need: scripts, styles and
 * connections other than the node's own (no inline script or style: the Content-Security-Policy
 * below), being framed, and sniffing content types. Assets are named by the version of the files,
 * so browsers keep them for good; pages are checked again at each visit.
 */
final class DashboardRoutes extends AllDirectives {
  static final String SIGN_IN = "/ui/sign-in";

  /** What the pages may load: only the node's own scripts, styles, images and API. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  private static final List<HttpHeader> SECURITY_HEADERS =
      List.of(
          RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("X-Frame-Options", "DENY"),
          RawHeader.create("Referrer-Policy", "no-referrer"),
          RawHeader.create("Cross-Origin-Opener-Policy", "same-origin"),
          RawHeader.create("Cross-Origin-Resource-Policy", "same-origin"));

  /** An asset of the current version: its URL changes with its content. */
  private static final HttpHeader FOREVER =
      RawHeader.create("Cache-Control", "public, max-age=31536000, immutable");

  /** Pages, and assets asked for by another version's name: checked again at each use. */
  private static final HttpHeader REVALIDATE = RawHeader.create("Cache-Control", "no-cache");

  /** The pages of the dashboard's one page application, each served the same shell. */
  private static final List<String> PAGES = List.of("runs", "approvals", "agents", "spend");

  private final UiAssets assets;
  private final Authentication auth;
  private final DashboardSessionRoutes sessions;

  DashboardRoutes(UiAssets assets, Authentication auth, DashboardSessionRoutes sessions) {
    this.assets = assets;
    this.auth = auth;
    this.sessions = sessions;
  }

  /** {@code /ui} and everything under it. */
  Route route() {
    return pathPrefix(
        "ui",
        () ->
            respondWithHeaders(
                SECURITY_HEADERS,
                () ->
                    concat(
                        pathEnd(() -> get(() -> redirect(Uri.create("/ui/"), StatusCodes.FOUND))),
                        pathPrefix(
                            "assets",
                            () ->
                                pathPrefix(
                                    PathMatchers.segment(),
                                    version ->
                                        extractUnmatchedPath(
                                            rest ->
                                                get(
                                                    () ->
                                                        encodeResponse(
                                                            () -> asset(version, rest)))))),
                        path(
                            "sign-in", () -> get(() -> encodeResponse(() -> page("sign-in.html")))),
                        sessions.route(),
                        get(() -> encodeResponse(this::pages)))));
  }

  /** The shell of the pages, for a browser signed in; else the way to sign in. */
  private Route pages() {
    Supplier<Route> shell = () -> signedIn(() -> page("index.html"));
    return concat(
        pathSingleSlash(shell),
        pathPrefix(
            PathMatchers.segment().slash(PathMatchers.segment()),
            (page, id) -> page.equals("runs") ? pathEnd(shell) : reject()),
        path(PathMatchers.segment(), page -> PAGES.contains(page) ? shell.get() : reject()));
  }

  /**
   * {@code inner} for a browser with a valid session cookie (or any, with authentication off);
   * others are sent to sign in, and their stale cookies are cleared.
   */
  private Route signedIn(Supplier<Route> inner) {
    if (!auth.enabled()) {
      return inner.get();
    }
    return extractUri(
        uri ->
            optionalCookie(
                SessionTokens.COOKIE,
                cookie -> {
                  if (cookie.isEmpty()) {
                    return redirect(Uri.create(SIGN_IN), StatusCodes.SEE_OTHER);
                  }
                  return onComplete(
                      auth.authenticator().session(cookie.get().value()),
                      session ->
                          session.isSuccess()
                              ? inner.get()
                              : setCookie(
                                  auth.cookies().cleared(uri.scheme()),
                                  () -> redirect(Uri.create(SIGN_IN), StatusCodes.SEE_OTHER)));
                }));
  }

  private Route page(String name) {
    return assets
        .get(name)
        .map(
            page ->
                complete(
                    HttpResponse.create()
                        .withEntity(ContentTypes.TEXT_HTML_UTF8, page.bytes())
                        .addHeader(REVALIDATE)))
        .orElseGet(this::reject);
  }

  /** Assets are public: one that does not exist is not found, whoever asks. */
  private static Route noSuchAsset(String path) {
    return ProblemHandlers.completeProblem(
        Problem.Kind.NOT_FOUND.with("the dashboard has no asset " + path));
  }

  private Route asset(String version, String rest) {
    String path = rest.startsWith("/") ? rest.substring(1) : rest;
    // Names hold letters, digits, dashes, dots and folders; nothing climbs out of assets/.
    if (path.contains("..") || !path.matches("[A-Za-z0-9._/-]+")) {
      return noSuchAsset(rest);
    }
    return assets
        .get("assets/" + path)
        .map(
            asset ->
                complete(
                    HttpResponse.create()
                        .withEntity(ContentTypes.parse(asset.contentType()), asset.bytes())
                        .addHeader(version.equals(assets.version()) ? FOREVER : REVALIDATE)))
        .orElseGet(() -> noSuchAsset(rest));
  }
}

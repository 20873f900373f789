/* How the editor gets its bearer token, kept apart from the rest of the page:
 * 1. a user signed in to the ATENSI web pages (session cookie) gets one from POST /editor/session-token;
 * 2. otherwise the editor's own small form logs in through POST /api/v1/auth/login.
 * The token is kept in sessionStorage, for this tab only. Everything else calls EditorAuth.api(),
 * which adds the token and parses problem+json. */
(function () {
  'use strict';

  var KEY = 'atensi.editor.token';
  var USER = 'atensi.editor.user';
  var base = document.body.getAttribute('data-api') || '/api/v1';

  function token() { return sessionStorage.getItem(KEY); }
  function user() {
    try { return JSON.parse(sessionStorage.getItem(USER) || 'null'); } catch (e) { return null; }
  }

  function logout() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(USER);
    location.reload();
  }

  function ApiError(status, body) {
    this.status = status;
    this.body = body || {};
    this.message = (body && (body.detail || body.title)) || ('HTTP ' + status);
  }
  ApiError.prototype = Object.create(Error.prototype);

  /* api('GET', '/process-definitions') -> Promise of the parsed body (JSON) or text (XML;
   * any body with options.raw).
   * Rejects with ApiError; a 401 sends the user back to the login form. */
  function api(method, path, body, options) {
    var headers = { 'Accept': 'application/json, application/problem+json, */*' };
    if (token()) { headers.Authorization = 'Bearer ' + token(); }
    var init = { method: method, headers: headers };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(base + path, init).then(function (response) {
      var type = response.headers.get('Content-Type') || '';
      var asJson = type.indexOf('json') !== -1 && !(options && options.raw && response.ok);
      var read = asJson ? response.json() : response.text();
      return read.then(function (data) {
        if (response.status === 401 && !(options && options.noLoginRedirect)) {
          sessionStorage.removeItem(KEY);
          show();
        }
        if (!response.ok) { throw new ApiError(response.status, typeof data === 'object' ? data : { detail: data }); }
        return data;
      });
    });
  }

  function login(username, password) {
    return api('POST', '/auth/login', { username: username, password: password }, { noLoginRedirect: true })
      .then(function (result) {
        sessionStorage.setItem(KEY, result.access_token);
        sessionStorage.setItem(USER, JSON.stringify(result.user || { username: username }));
        return result;
      });
  }

  var readyResolve;
  var ready = new Promise(function (resolve) { readyResolve = resolve; });

  function show() {
    document.getElementById('ed-login').hidden = false;
    document.getElementById('ed-username').focus();
  }

  function start() {
    var form = document.getElementById('ed-login-form');
    var error = document.getElementById('ed-login-error');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      error.textContent = '';
      login(form.username.value, form.password.value).then(function (result) {
        var roles = (result.user && result.user.roles) || [];
        if (roles.indexOf('supervisor') === -1 && roles.indexOf('admin') === -1) {
          error.textContent = EditorI18n.t('login.role');
        }
        document.getElementById('ed-login').hidden = true;
        signedIn();
      }).catch(function () { error.textContent = EditorI18n.t('login.failed'); });
    });
    document.getElementById('ed-logout').addEventListener('click', logout);
    if (token()) { signedIn(); return; }
    fromWebSession().then(signedIn).catch(show);
  }

  function fromWebSession() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    var url = document.body.getAttribute('data-base').replace(/\/$/, '') + '/session-token';
    return fetch(url, { method: 'POST', credentials: 'same-origin',
                        headers: { 'X-CSRFToken': meta ? meta.content : '', 'Accept': 'application/json' } })
      .then(function (response) {
        if (!response.ok) { throw new Error('no web session'); }
        return response.json();
      }).then(function (result) {
        sessionStorage.setItem(KEY, result.access_token);
        sessionStorage.setItem(USER, JSON.stringify(result.user));
      });
  }

  function signedIn() {
    var who = user();
    document.getElementById('ed-user').textContent = who ? who.username : '';
    document.getElementById('ed-logout').hidden = false;
    readyResolve(who);
  }

  window.EditorAuth = { api: api, login: login, logout: logout, token: token, user: user, ready: ready,
                        start: start, ApiError: ApiError };
})();

"""Signing in and out with a session cookie, and choosing the language. Failed sign-ins are rate
limited by the same counts as POST /api/v1/auth/login (atensi.limits), per address and username."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from atensi import limits
from atensi.services import services

from .i18n import LANGUAGES
from .pages import actor_of_session, page_blueprint, safe_next, start_session

bp = page_blueprint("web", __name__, public=True, template_folder="templates", static_folder="static",
                    static_url_path="/assets")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Fill in your username.")),
                                                       Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Fill in your password."))])
    next = HiddenField()


@bp.get("/")
def home():
    return redirect(url_for("web_inbox.inbox") if actor_of_session() else url_for("web.login"))


@bp.route("/login", methods=["GET", "POST"])
@limits.per_user
@limits.per_address
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("login.html", form=form), 400 if request.method == "POST" else 200
    user = services().directory.login(form.username.data.strip(), form.password.data)
    if user is None:
        return render_template("login.html", form=form, failed=True), 401
    language = session.get("lang")
    session.clear()  # nothing from before the sign-in survives it
    start_session(user)
    if language in LANGUAGES:
        session["lang"] = language
    return redirect(safe_next(form.next.data, url_for("web_inbox.inbox")))


@bp.post("/logout")
def logout():
    actor = actor_of_session()
    if actor is not None:
        services().directory.end_sessions(actor)  # this user's other cookies and tokens end too
    language = session.get("lang")
    session.clear()
    if language in LANGUAGES:
        session["lang"] = language
    flash(gettext("You have signed out."), "info")
    return redirect(url_for("web.login"))


@bp.post("/language")
def language():
    chosen = request.form.get("lang", "")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(safe_next(request.form.get("next"), url_for("web.home")))

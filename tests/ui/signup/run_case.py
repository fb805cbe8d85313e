#!/usr/bin/python3
"""run_case.py: one sign-up test, through the real programs.

    run_case.py CASE --gatehouse EXE --ctl EXE --plugins DIR --login EXE
                     --scripts DIR --shots DIR

Each case makes a fresh database in a temporary folder with gatehousectl
(init, settings, staff, occupants, groups as the case needs), writes a
config whose [plugins] dir is the build's plugin folder with only `signup`
enabled, runs the kiosk headless on its virtual clock with the case's script
(scripts/CASE.script, where {{NAME}} is filled in first, e.g. a setup code
read from the outbox), saves a screenshot of every step, and then checks
the database through `gatehousectl --json`. Exit 0 pass, 1 fail.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kiosk import Env, check, case, main  # noqa: E402


class Site(Env):
    """A site with only the signup plugin; --login is tests/ui/signup's
    login_check program (a log-in through the core, as the kiosk makes it)."""

    def login(self, who, pin, offset_s=0):
        env = {"GH_CLOCK_OFFSET_S": str(offset_s)} if offset_s else None
        rc, out, err = self.run([self.a.login, self.db, who, pin], env=env)
        return rc, out + err


def other_code(code):
    """A 6-digit code that is surely not CODE."""
    return "".join(str((int(c) + 1) % 10) for c in code)


def staff(env):
    env.ctl("staff", "add", "--email", "sam@example.com", "--pin", "2580", "--perms",
            "approve", "--name", "Sam Staff")


# ---- SPEC "Occupant states": self sign-up ----------------------------------
@case
def new_signup_pending_while_approval_on(env):
    staff(env)
    env.kiosk("new_signup_pending_while_approval_on")
    a = env.account("ana@example.com")
    check(a and a["state"] == "pending", "account not pending: %r" % a)
    check(a["name"] == "Ana" and a["phone"] == "+447700900222", "name/phone: %r" % a)
    check(a["request_org"] == "Acme Ltd" and a["request_unit"] == "Suite 4",
          "request not stored: %r" % a)
    check(a["access"] == "none", "default access is none: %r" % a)
    check(env.log_has("account.signup", "ok", actor="kiosk", target="ana@example.com"),
          "sign-up not logged")
    kinds = [m["kind"] for m in env.outbox()]
    check("signup_notify" in kinds, "approver not notified: %r" % kinds)
    check("welcome" not in kinds, "welcome queued while pending: %r" % kinds)


@case
def signup_confirm_shows_email_in_full_fix_keeps_form(env):
    staff(env)
    env.kiosk("signup_confirm_shows_email_in_full_fix_keeps_form")
    a = env.account("ana@example.com")
    check(a and a["state"] == "pending", "fixed address not signed up: %r" % a)
    check(a["name"] == "Ana" and a["phone"] == "+447700900222", "kept fields lost: %r" % a)
    check(a["request_org"] == "Acme Ltd" and a["request_unit"] == "Suite 4",
          "kept request lost: %r" % a)
    check(len(env.occupants()) == 1, "more than one account: %r" % env.occupants())


@case
def new_signup_active_with_welcome_while_approval_off(env):
    env.ctl("settings", "set", "signup_approval", "off")
    env.kiosk("new_signup_active_with_welcome_while_approval_off")
    a = env.account("ana@example.com")
    check(a and a["state"] == "active", "account not active: %r" % a)
    check(any(m["kind"] == "welcome" and m["to"] == "ana@example.com" for m in env.outbox()),
          "no welcome email queued")
    check(env.log_has("account.signup", "ok", actor="kiosk"), "sign-up not logged")


@case
def duplicate_email_in_another_case_refused(env):
    env.ctl("occupant", "add", "--email", "ana@example.com", "--name", "Ana First", "--all")
    env.kiosk("duplicate_email_in_another_case_refused")
    occ = env.occupants()
    check(len(occ) == 1, "a second account was made: %r" % occ)
    check(occ[0]["name"] == "Ana First", "the first account changed: %r" % occ[0])
    check(env.log_has("account.signup", "refused", actor="kiosk", reason="email"),
          "refusal not logged with its reason")


@case
def duplicate_phone_in_another_format_refused(env):
    env.ctl("occupant", "add", "--email", "bob@example.com", "--phone", "+44 (7700) 900-111",
            "--all")
    env.kiosk("duplicate_phone_in_another_format_refused")
    check(env.account("ana@example.com") is None, "account made with a taken phone")
    check(env.log_has("account.signup", "refused", actor="kiosk", reason="phone"),
          "refusal not logged with its reason")


@case
def staff_email_refused(env):
    staff(env)
    env.kiosk("staff_email_refused")
    check(env.occupants() == [], "an occupant was made with a staff email")
    s = env.account("sam@example.com")
    check(s and s["kind"] == "staff" and s["name"] == "Sam Staff", "staff account changed: %r" % s)
    check(env.log_has("account.signup", "refused", actor="kiosk"), "refusal not logged")


@case
def inactive_signs_up_again_reactivated_data_kept(env):
    env.ctl("group", "add", "Acme", "--all")
    env.ctl("location", "add", "Unit 7", "--door", "unit")
    env.ctl("occupant", "add", "--email", "kim@example.com", "--name", "Kim", "--group", "Acme")
    env.ctl("unit", "rent", "Unit 7", "--occupant", "kim@example.com")
    env.ctl("occupant", "set-state", "kim@example.com", "inactive")
    env.kiosk("inactive_signs_up_again_reactivated_data_kept")
    a = env.account("kim@example.com")
    check(a and a["state"] == "pending", "not re-activated as pending: %r" % a)
    check(a["id"] == 1 and a["email"] == "kim@example.com", "not the same account: %r" % a)
    check(a["group"] == "Acme" and a["access"] == "group", "group lost: %r" % a)
    check(a["units"] == ["Unit 7"], "unit lost: %r" % a)
    check(len(env.occupants()) == 1, "a second account was made")
    check(env.log_has("account.signup", "ok", actor="kiosk", reason="re-activated"),
          "re-activation not logged")


@case
def inactive_reactivated_active_while_approval_off(env):
    env.ctl("settings", "set", "signup_approval", "off")
    env.ctl("location", "add", "Lobby", "--door", "common")
    env.ctl("location", "add", "Back door", "--door", "common")
    env.ctl("occupant", "add", "--email", "kim@example.com", "--name", "Kim", "--locations",
            "Lobby")
    env.ctl("occupant", "set-state", "kim@example.com", "inactive")
    env.kiosk("inactive_reactivated_active_while_approval_off")
    a = env.account("kim@example.com")
    check(a and a["state"] == "active" and a["access"] == "specific", "not active again: %r" % a)
    check(a["name"] == "Kim", "the name was lost: %r" % a)
    # the specific locations were kept: the Lobby opens, the Back door does not
    rc, out, err = env.ctl("door", "check", "Lobby", "--as", "kim@example.com", ok=False)
    check(rc == 0, "Lobby no longer allowed: %s%s" % (out, err))
    rc, out, err = env.ctl("door", "check", "Back door", "--as", "kim@example.com", ok=False)
    check(rc == 1, "Back door allowed: %s%s" % (out, err))
    welcomes = [m for m in env.outbox() if m["kind"] == "welcome"]
    check(len(welcomes) == 2, "expected a second welcome email: %r" % welcomes)


@case
def blocked_refused_unchanged_and_logged(env):
    env.ctl("occupant", "add", "--email", "max@example.com", "--name", "Max", "--all")
    env.ctl("occupant", "set-state", "max@example.com", "blocked")
    before = env.account("max@example.com")
    env.kiosk("blocked_refused_unchanged_and_logged")
    after = env.account("max@example.com")
    check(after == before, "blocked account changed:\n%r\n%r" % (before, after))
    check(len(env.occupants()) == 1, "another account was made")
    e = env.log_has("account.signup", "refused", actor="kiosk", target="max@example.com")
    check(e, "refusal not logged")


@case
def email_domain_joins_group(env):
    env.ctl("group", "add", "Acme", "--all", "--domains", "acme.example")
    env.kiosk("email_domain_joins_group")
    a = env.account("lee@acme.example")
    check(a and a["state"] == "pending", "not pending: %r" % a)
    check(a["group"] == "Acme" and a["access"] == "group", "did not join Acme: %r" % a)
    check(env.log_has("account.signup", "ok", reason="joined group Acme"), "join not logged")


@case
def invalid_email_said_under_the_field(env):
    env.kiosk("invalid_email_said_under_the_field")
    check(env.occupants() == [], "an account was made from an invalid form")


@case
def scrolled_form_then_a_field_redraws_exactly(env):
    env.kiosk("scrolled_form_then_a_field_redraws_exactly")
    check(env.occupants() == [], "an account was made without sending the form")


@case
def overlong_name_101_characters_refused(env):
    env.kiosk("overlong_name_101_characters_refused")
    occ = env.occupants()
    check(len(occ) == 1, "expected the one account with a 100-character name: %r" % occ)
    check(len(occ[0]["name"]) == 100, "name of %d characters stored" % len(occ[0]["name"]))


@case
def return_key_inserts_no_line_break(env):
    # The on-screen keyboard has no CR or LF key; a hardware Return moves on
    # to the next field. Whether a CR/LF that got into a name some other way
    # is refused is test_signup_rules' test_name_with_cr_lf_refused_...
    env.kiosk("return_key_inserts_no_line_break")
    a = env.account("ana@example.com")
    check(a and a["name"] == "Ana Lima", "name stored as %r" % (a and a["name"]))


@case
def self_signup_off_tile_hidden(env):
    env.ctl("settings", "set", "self_signup", "off")
    env.kiosk("self_signup_off_tile_hidden")
    check(env.occupants() == [], "account made while self sign-up is off")


# ---- SPEC "Kiosk identity": the setup code ----------------------------------
def occupant_with_code(env, email="bo@example.com"):
    env.ctl("occupant", "add", "--email", email, "--name", "Bo", "--all")
    return env.code_for(email)


@case
def setup_code_sets_pin(env):
    code = occupant_with_code(env)
    env.kiosk("setup_code_sets_pin", CODE=code)
    a = env.account("bo@example.com")
    check(a["has_pin"], "no PIN set: %r" % a)
    check(a.get("door_code") is True, "no door code issued at the end of the PIN setup: %r" % a)
    check(env.log_has("auth.setup", "ok", actor="kiosk"), "redemption not logged")
    rc, out = env.login("bo@example.com", "2468")
    check(rc == 0, "log-in with the new PIN failed: %s" % out)
    rc, out = env.login("bo@example.com", "1357")
    check(rc == 1, "log-in with another PIN did not fail: %s" % out)


@case
def setup_code_with_phone_number(env):
    env.ctl("occupant", "add", "--email", "bo@example.com", "--phone", "+44 7700 900-555",
            "--all")
    code = env.code_for("bo@example.com")
    env.kiosk("setup_code_with_phone_number", CODE=code)
    rc, out = env.login("+44 (7700) 900555", "13579")
    check(rc == 0, "log-in by phone with the new PIN failed: %s" % out)


@case
def setup_code_refused_while_account_inactive(env):
    code = occupant_with_code(env)
    env.ctl("occupant", "set-state", "bo@example.com", "inactive")
    env.kiosk("setup_code_refused_while_account_inactive", CODE=code)
    check(not env.account("bo@example.com")["has_pin"], "PIN set on an inactive account")
    check(env.log_has("auth.setup", "refused", reason="not active"), "refusal not logged")


@case
def setup_code_used_twice_fails(env):
    code = occupant_with_code(env)
    env.kiosk("setup_code_used_twice_fails", CODE=code)
    check(env.log_has("auth.setup", "refused", reason="already used"), "reuse not logged")
    rc, out = env.login("bo@example.com", "2468")
    check(rc == 0, "the first PIN should still work: %s" % out)
    rc, out = env.login("bo@example.com", "3579")
    check(rc == 1, "the second PIN must not have been set: %s" % out)


@case
def setup_code_expired_after_72_hours_fails(env):
    code = occupant_with_code(env)
    env.kiosk("setup_code_expired_after_72_hours_fails", CODE=code)
    check(not env.account("bo@example.com")["has_pin"], "PIN set with an expired code")
    check(env.log_has("auth.setup", "refused", reason="expired"), "expiry not logged")


@case
def resent_welcome_voids_old_code(env):
    old = occupant_with_code(env)
    env.ctl("occupant", "resend-welcome", "bo@example.com")
    new = env.code_for("bo@example.com")
    check(new != old, "resend gave the same code")
    env.kiosk("resent_welcome_voids_old_code", OLD=old, NEW=new)
    check(env.log_has("auth.setup", "failed", reason="wrong setup code"),
          "old code's failure not logged")
    check(env.log_has("auth.setup", "ok"), "new code's success not logged")
    rc, out = env.login("bo@example.com", "2468")
    check(rc == 0, "log-in with the PIN set by the new code failed: %s" % out)


@case
def five_wrong_codes_lock_for_15_minutes(env):
    code = occupant_with_code(env)
    env.kiosk("five_wrong_codes_lock_for_15_minutes", CODE=code, WRONG=other_code(code))
    fails = [e for e in env.log() if e["action"] == "auth.setup" and e["outcome"] == "failed"]
    check(len(fails) == 5, "expected 5 failed attempts logged, got %d" % len(fails))
    check(env.log_has("auth.setup", "refused", reason="locked out"), "lock-out refusal not logged")
    check(env.log_has("auth.setup", "ok"), "the code did not work after 15 minutes")
    # the kiosk's clock ran 15 minutes ahead; log in at that time too
    rc, out = env.login("bo@example.com", "2468", offset_s=1800)
    check(rc == 0, "log-in with the new PIN failed: %s" % out)


@case
def idle_timeout_wipes_form_and_stores_nothing(env):
    env.kiosk("idle_timeout_wipes_form_and_stores_nothing")
    check(env.occupants() == [], "the abandoned form made an account")
    check(not env.log_has("account.signup"), "the abandoned form reached the core")


if __name__ == "__main__":
    sys.exit(main("signup", extra=("login",), env_class=Site))

#!/usr/bin/python3
"""run_case.py: one approval-queue test, through the real programs.

    run_case.py CASE --gatehouse EXE --ctl EXE --plugins DIR --scripts DIR --shots DIR

Each case makes a fresh database in a temporary folder with gatehousectl
(init, staff, groups, locations, self sign-ups with `occupant signup` while
signup_approval is on), writes a config whose [plugins] dir is the build's
plugin folder with only `approvals` enabled, runs the kiosk headless on its
virtual clock with the case's script (scripts/CASE.script; {{NAME}} is
filled in first: account ids, a date as the kiosk will show it), saves a
screenshot of every step into --shots, and then checks the database through
`gatehousectl --json` (occupant show, outbox list, log). Exit 0 pass, 1 fail.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kiosk import Env, check, case, main  # noqa: E402


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def kiosk_date(ms):
    """A time as the queue shows it: "23 Nov 2026, 18:02" (local time)."""
    t = time.localtime(ms / 1000)
    return "%d %s %d, %02d:%02d" % (t.tm_mday, MONTHS[t.tm_mon - 1], t.tm_year, t.tm_hour,
                                    t.tm_min)


class Site(Env):
    """A site with signup_approval on, staff and self sign-ups added as the
    case needs."""

    def __init__(self, a, plugin, case):
        Env.__init__(self, a, plugin, case)
        self.ctl("settings", "set", "signup_approval", "on")

    def enable(self, plugins):
        """The kiosk loads these plugins (one [plugins] enable line)."""
        with open(self.conf) as f:
            text = f.read()
        text = re.sub(r"(?m)^enable = .*$", "enable = " + plugins, text)
        with open(self.conf, "w") as f:
            f.write(text)

    def staff(self, email="sam@example.com", pin="2580", perms="approve", name="Sam Staff"):
        self.ctl("staff", "add", "--email", email, "--pin", pin, "--perms", perms,
                 "--name", name)
        return self.account(email)

    def signup(self, email, ago_s=0, **fields):
        """A self sign-up made ago_s seconds before now (GH_CLOCK_OFFSET_S)."""
        argv = ["occupant", "signup", "--email", email]
        for k in ("name", "phone", "org", "unit"):
            if k in fields:
                argv += ["--" + k, fields[k]]
        env = {"GH_CLOCK_OFFSET_S": str(-ago_s)} if ago_s else None
        self.ctl(*argv, env=env)
        a = self.account(email)
        check(a and a["state"] == "pending", "sign-up of %s is not pending: %r" % (email, a))
        return a


def actor_of(staff):
    """The actor string the core builds for a staff member (gh_account_actor):
    by id only (issue 16)."""
    return "staff:%d" % staff["id"]


def approved_by(env, who, staff):
    """who is active, has exactly one welcome email queued, and the approval
    is logged with the staff member as the actor."""
    a = env.account(who)
    check(a and a["state"] == "active", "%s not active: %r" % (who, a))
    check(len(env.welcomes_to(who)) == 1, "expected one welcome email to %s: %r"
          % (who, env.outbox()))
    check(env.log_entries("account.approve", "ok", actor=actor_of(staff), target=who),
          "approval of %s not logged with actor %s" % (who, actor_of(staff)))
    return a


# ---- the staff tile and the log-in in front of it --------------------------
@case
def staff_login_shows_approvals_tile_with_pending_count(env):
    sam = env.staff()
    env.signup("ana@example.com", name="Ana Lima")
    env.signup("lee@example.com", name="Lee Park")
    env.ctl("occupant", "add", "--email", "act@example.com", "--all")   # active: not counted
    env.kiosk("staff_login_shows_approvals_tile_with_pending_count")
    check(len(env.log_entries("auth.login", "failed", target="sam@example.com")) == 1,
          "the wrong PIN was not logged once")
    check(env.log_entries("auth.login", "ok", target="sam@example.com"),
          "the log-in was not logged")
    check(sam["perms"] == "approve", "staff perms: %r" % sam)


@case
def wrong_pin_five_times_locks_staff_out_for_15_minutes(env):
    env.staff()
    env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("wrong_pin_five_times_locks_staff_out_for_15_minutes")
    fails = env.log_entries("auth.login", "failed", target="sam@example.com")
    check(len(fails) == 5, "expected 5 failed log-ins logged, got %d" % len(fails))
    check(env.log_entries("auth.lockout"), "the lock-out was not logged")
    check(env.log_entries("auth.login", "refused", target="sam@example.com"),
          "log-ins during the lock-out were not logged as refused")
    check(env.log_entries("auth.login", "ok", target="sam@example.com"),
          "the log-in after 15 minutes was not logged")


@case
def staff_without_approve_permission_sees_no_approvals(env):
    env.staff("pat@example.com", "1357", "open_common,manage", "Pat Porter")
    env.staff("ada@example.com", "8642", "admin", "Ada Admin")
    env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("staff_without_approve_permission_sees_no_approvals")
    check(env.account("ana@example.com")["state"] == "pending", "the sign-up changed")


# ---- one sign-up at a time -------------------------------------------------
@case
def approve_makes_active_queues_welcome_and_logs_staff_actor(env):
    sam = env.staff()
    env.signup("ana@example.com", name="Ana Lima", phone="+44 7700 900222", org="Acme Ltd",
               unit="Suite 4")
    a = env.account("ana@example.com")
    env.kiosk("approve_makes_active_queues_welcome_and_logs_staff_actor", ANA=a["id"])
    a = approved_by(env, "ana@example.com", sam)
    check(a["access"] == "none", "access changed though 'keep' was chosen: %r" % a)
    check(not env.log_entries("account.access"), "access was set though 'keep' was chosen")


@case
def approve_with_chosen_group_sets_group_access(env):
    sam = env.staff()
    env.ctl("group", "add", "Acme", "--all")
    env.ctl("group", "add", "Beta", "--all")
    a = env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("approve_with_chosen_group_sets_group_access", ANA=a["id"])
    a = approved_by(env, "ana@example.com", sam)
    check(a["access"] == "group" and a["group"] == "Beta", "not in group Beta: %r" % a)
    check(env.log_entries("account.access", "ok", actor=actor_of(sam), target="ana@example.com"),
          "the access change was not logged with the staff actor")


@case
def approve_with_all_locations_sets_all(env):
    sam = env.staff()
    env.ctl("location", "add", "Lobby", "--door", "common")
    a = env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("approve_with_all_locations_sets_all", ANA=a["id"])
    a = approved_by(env, "ana@example.com", sam)
    check(a["access"] == "all", "access is not all: %r" % a)


@case
def approve_with_specific_locations_sets_those(env):
    sam = env.staff()
    env.ctl("location", "add", "Gym", "--door", "common")
    env.ctl("location", "add", "Lobby", "--door", "common")
    env.ctl("location", "add", "Unit 7", "--door", "unit", "--parent", "Lobby")
    a = env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("approve_with_specific_locations_sets_those", ANA=a["id"])
    a = approved_by(env, "ana@example.com", sam)
    check(a["access"] == "specific", "access is not specific: %r" % a)
    e = env.log_entries("account.access", "ok", actor=actor_of(sam), target="ana@example.com")
    check(e and "Gym" in e[0]["reason"] and "Unit 7" in e[0]["reason"] and
          "Lobby" not in e[0]["reason"].replace("Lobby ›", ""),
          "the chosen locations are not the ones set: %r" % e)


@case
def approval_starts_from_signup_default_access(env):
    """Issue 16: approval and "New occupant" start from the same default,
    the signup_default_access setting. Ana signed up while it was none (her
    account has no access); it is all when Sam approves her without
    touching the picker: she gets all locations, set by Sam."""
    sam = env.staff()
    env.ctl("location", "add", "Lobby", "--door", "common")
    a = env.signup("ana@example.com", name="Ana Lima")
    check(a["access"] == "none", "sign-up access: %r" % a)
    env.ctl("settings", "set", "signup_default_access", "all")
    env.kiosk("approval_starts_from_signup_default_access", ANA=a["id"])
    a = approved_by(env, "ana@example.com", sam)
    check(a["access"] == "all", "access is not all: %r" % a)
    check(env.log_entries("account.access", "ok", actor=actor_of(sam), target="ana@example.com"),
          "the access change was not logged with the staff actor")


@case
def reject_asks_first_then_makes_inactive(env):
    sam = env.staff()
    a = env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("reject_asks_first_then_makes_inactive", ANA=a["id"])
    a = env.account("ana@example.com")
    check(a["state"] == "inactive", "not inactive: %r" % a)
    check(env.log_entries("account.reject", "ok", actor=actor_of(sam), target="ana@example.com"),
          "the rejection was not logged with the staff actor")
    check(not env.welcomes_to("ana@example.com"), "a welcome email went to a rejected sign-up")


@case
def block_asks_first_then_blocks(env):
    sam = env.staff()
    a = env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("block_asks_first_then_blocks", ANA=a["id"])
    a = env.account("ana@example.com")
    check(a["state"] == "blocked", "not blocked: %r" % a)
    check(env.log_entries("account.block", "ok", actor=actor_of(sam), target="ana@example.com"),
          "the block was not logged with the staff actor")
    check(not env.welcomes_to("ana@example.com"), "a welcome email went to a blocked account")


# ---- the queue --------------------------------------------------------------
@case
def bulk_approve_three_at_once(env):
    sam = env.staff()
    ids = {}
    for n in ("ana", "bo", "cy", "dee"):
        ids[n.upper()] = env.signup("%s@example.com" % n, name=n.capitalize())["id"]
    env.kiosk("bulk_approve_three_at_once", **ids)
    for n in ("ana", "bo", "cy"):
        approved_by(env, "%s@example.com" % n, sam)
    d = env.account("dee@example.com")
    check(d["state"] == "pending", "the one not selected changed: %r" % d)
    check(len(env.log_entries("account.approve", "ok", actor=actor_of(sam))) == 3,
          "expected exactly 3 approvals logged")


@case
def selection_forgets_sign_ups_handled_one_by_one(env):
    sam = env.staff()
    ana = env.signup("ana@example.com", name="Ana")
    bo = env.signup("bo@example.com", name="Bo")
    env.kiosk("selection_forgets_sign_ups_handled_one_by_one", ANA=ana["id"], BO=bo["id"])
    approved_by(env, "bo@example.com", sam)
    check(env.account("ana@example.com")["state"] == "inactive", "Ana is not inactive")
    check(not env.log_entries("account.approve", target="ana@example.com"),
          "an approval of the rejected sign-up was tried")


@case
def long_name_and_email_shortened_in_row_said_in_full(env):
    env.staff()
    name = ("Maximiliana Alexandrina Konstanze Wilhelmine von Hohenzollern-Sigmaringen "
            "und Hechingen-Ober-Lausitz")
    email = ("maximiliana.alexandrina.von.hohenzollern-sigmaringen@"
             "very-long-company-name.example.co.uk")
    check(len(name) == 100, "the name is %d characters" % len(name))
    a = env.signup(email, name=name, phone="+44 7700 900333",
                   org="The Extraordinarily Long Named Organisation for Testing Limited "
                       "Liability Partnership",
                   unit="Suite 4400, Floor 44, West Tower Annex Building C")
    env.kiosk("long_name_and_email_shortened_in_row_said_in_full", ID=a["id"], NAME=name,
              EMAIL=email)


@case
def empty_queue_says_nothing_waiting(env):
    env.staff()
    env.ctl("occupant", "add", "--email", "act@example.com", "--all")
    env.kiosk("empty_queue_says_nothing_waiting")


@case
def queue_oldest_first_with_request_time_and_domain_match(env):
    env.staff()
    env.ctl("group", "add", "Acme", "--all", "--domains", "acme.example")
    ana = env.signup("ana@example.com", ago_s=3 * 86400 + 60, name="Ana Lima",
                     phone="+44 7700 900222", org="Acme Ltd", unit="Suite 4")
    lee = env.signup("lee@acme.example", ago_s=12 * 60 + 5, name="Lee Park")
    check(lee["group"] == "Acme", "lee did not join Acme by domain: %r" % lee)
    for i in range(1, 11):
        env.signup("p%d@example.com" % i, ago_s=600 - i * 30, name="Person %d" % i)
    env.kiosk("queue_oldest_first_with_request_time_and_domain_match",
              ANA=ana["id"], LEE=lee["id"], ANA_DATE=kiosk_date(ana["signed_up_at"]),
              LEE_DATE=kiosk_date(lee["signed_up_at"]))


# ---- issue 16: renting the unit asked for, setting a PIN at the desk ---------
def unit_site(env):
    """Staff Sam, group Acme (all locations, domain acme.example), units B201
    (rented to Olive) and B202 (vacant), Hana asking for B202 and Lee for
    B201."""
    sam = env.staff()
    env.ctl("group", "add", "Acme", "--all", "--domains", "acme.example")
    env.ctl("location", "add", "B201", "--door", "unit")
    env.ctl("location", "add", "B202", "--door", "unit")
    env.ctl("occupant", "add", "--email", "olive@example.com", "--all")
    env.ctl("unit", "rent", "B201", "--occupant", "olive@example.com")
    hana = env.signup("hana@acme.example", name="Hana Ito", unit="B202")
    lee = env.signup("lee@example.com", name="Lee Park", unit="B201")
    return sam, hana, lee


def tenant_of(env, unit):
    return [l for l in env.ctl("location", "list", js=True) if l["name"] == unit][0]


@case
def approve_with_rent_unit_rents_it_in_one_change_and_her_door_opens(env):
    sam, hana, lee = unit_site(env)
    env.kiosk("approve_with_rent_unit_rents_it_in_one_change_and_her_door_opens",
              HANA=hana["id"], LEE=lee["id"])
    a = approved_by(env, "hana@acme.example", sam)
    b202 = tenant_of(env, "B202")
    check(b202["tenant_account"] == a["id"], "B202 not rented to Hana: %r" % b202)
    check(env.log_entries("unit.rent", "ok", actor=actor_of(sam), target="B202"),
          "the rent was not logged with the staff actor")
    rc, out, err = env.run([env.a.ctl, "--config", env.conf, "door", "check", "B202", "--as",
                            "hana@acme.example"])
    check(rc == 0, "Hana's door B202 does not open for her: %s%s" % (out, err))
    check(env.account("lee@example.com")["state"] == "pending", "Lee changed")


@case
def approve_with_rent_refused_when_unit_taken_meanwhile_changes_nothing(env):
    sam, hana, lee = unit_site(env)
    env.kiosk_meanwhile("approve_with_rent_refused_when_unit_taken_meanwhile_changes_nothing",
                        lambda: env.ctl("unit", "rent", "B202", "--occupant",
                                        "olive@example.com"), HANA=hana["id"])
    a = env.account("hana@acme.example")
    check(a["state"] == "pending", "Hana was approved without her unit: %r" % a)
    check(not env.welcomes_to("hana@acme.example"), "a welcome email was queued")
    check(not env.log_entries("account.approve", "ok"), "an approval was logged")
    check(env.log_entries("unit.rent", "refused", actor=actor_of(sam)),
          "the refused rent was not logged")
    check(tenant_of(env, "B202")["tenant"] == "olive@example.com",
          "B202's tenant changed: %r" % tenant_of(env, "B202"))


@case
def approve_then_let_them_set_a_pin_at_the_desk(env):
    sam = env.staff()
    env.ctl("group", "add", "Acme", "--all", "--domains", "example.com")
    env.ctl("location", "add", "Gate", "--door", "common")
    a = env.signup("ana@example.com", name="Ana Lima")
    env.enable("approvals, occupants")
    env.kiosk("approve_then_let_them_set_a_pin_at_the_desk", ANA=a["id"])
    approved_by(env, "ana@example.com", sam)
    ana = env.ctl("occupant", "show", "ana@example.com", js=True)
    check(ana.get("door_code") is True, "no door code: %r" % ana)
    e = env.log_entries("auth.desk_setup", "ok", actor=actor_of(sam), target="ana@example.com")
    check(len(e) == 1 and "door code issued" in e[0]["reason"],
          "the desk set-up was not logged with the staff member who handed over: %r" % e)
    rc, out, err = env.run([env.a.ctl, "--config", env.conf, "door", "check", "Gate", "--as",
                            "ana@example.com"])
    check(rc == 0, "Ana may not open the Gate: %s%s" % (out, err))


# ---- the staff session ------------------------------------------------------
@case
def staff_session_ends_on_done(env):
    env.staff()
    a = env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("staff_session_ends_on_done", ANA=a["id"])
    check(env.account("ana@example.com")["state"] == "pending", "the sign-up changed")


@case
def staff_session_ends_on_any_return_home(env):
    env.staff()
    a = env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("staff_session_ends_on_any_return_home", ANA=a["id"])
    check(env.account("ana@example.com")["state"] == "pending", "the sign-up changed")


@case
def staff_session_ends_on_idle_timeout(env):
    env.staff()
    a = env.signup("ana@example.com", name="Ana Lima")
    env.kiosk("staff_session_ends_on_idle_timeout", ANA=a["id"])
    check(env.account("ana@example.com")["state"] == "pending", "the sign-up changed")


if __name__ == "__main__":
    sys.exit(main("approvals", env_class=Site))

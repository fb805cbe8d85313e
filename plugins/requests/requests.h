/*
 * requests.h: what the requests plugin's files share (see requests.c).
 */
#ifndef GH_REQUESTS_PLUGIN_H
#define GH_REQUESTS_PLUGIN_H
#include <gatehouse/plugin.h>

#define RQ_PAGE 20
#define RQ_THREAD 30
#define RQ_LOCATIONS 100

struct rq_item {
    int64_t id;
    enum gh_request_state state;
    char subject[GH_REQUEST_SUBJECT_BUF];
    char line[600];                      /* state, location, last reply */
};

struct rq_loc {
    int64_t id;
    char name[GH_NAME_BUF];
    int depth;
};

struct requests {
    const struct gh_host *host;
    const struct gh_core_api *core;
    const struct gh_ui_api *u;
    struct gh_ui *ui;

    /* the person at the kiosk (requests.home): an active occupant logged in,
     * or a pending one who typed their email (file General only) */
    struct gh_account who;
    int logged_in;                       /* 1 occupant session, 2 pending by email */
    char login_email[GH_EMAIL_MAX + 1];
    char login_pin[16];
    char login_code[16];
    char msg[512];

    /* lists: the occupant's requests, or the staff queue */
    struct rq_item items[RQ_PAGE];
    int nitems;
    int64_t total;
    int dirty;
    int64_t loaded_at;                   /* mono ms */
    int staff;                           /* the list is the staff queue */
    int filter_state;                    /* -1 any */
    int filter_loc;                      /* index into locs, -1 any, -2 General */

    /* one request and its thread */
    int64_t open_id;
    struct gh_request req;
    struct gh_request_entry thread[RQ_THREAD];
    int nthread;
    char reply[GH_REQUEST_TEXT_BUF];

    /* a new request */
    struct rq_loc locs[RQ_LOCATIONS];
    int nlocs;
    int loc_pick;                        /* -1 General */
    char subject[GH_REQUEST_SUBJECT_BUF];
    char text[GH_REQUEST_TEXT_BUF];
};

/* commands.c */
extern const struct gh_command *const rq_commands[];
int rq_commands_register(struct requests *rq);
/* session.c: the person at the kiosk, shared by every screen */
void rq_wipe(struct requests *rq);
void rq_actor(struct requests *rq, char *buf, size_t len);
int64_t rq_who(struct requests *rq);
void rq_say(struct requests *rq, const char *text);
void rq_item_from(struct requests *rq, struct rq_item *it, const struct gh_request *r);
/* home.c: the home tile: log-in and the occupant's list */
int rq_home_register(struct requests *rq);
/* thread.c: one request */
int rq_thread_register(struct requests *rq);
void rq_open(struct requests *rq, struct gh_ui *ui, int64_t id);
/* compose.c: a new request */
int rq_compose_register(struct requests *rq);
int rq_load_locations(struct requests *rq, int64_t who);
/* queue.c: the staff queue */
int rq_queue_register(struct requests *rq);
#endif

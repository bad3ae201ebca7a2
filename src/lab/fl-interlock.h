/* fl-interlock.h: the VM interlocks, decided once for every front end (a pure function)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fl-hypervisor.h"
#include "fl-probe-types.h"

G_BEGIN_DECLS

/* what a front end can do to a VM of the lab; the nicks are the CLI's verbs */
typedef enum
{
  FL_LAB_ACTION_START,     /*< nick=start >*/
  FL_LAB_ACTION_SHUTDOWN,  /*< nick=shutdown >*/
  FL_LAB_ACTION_STOP,      /*< nick=stop >*/
  FL_LAB_ACTION_REBOOT,    /*< nick=reboot >*/
  FL_LAB_ACTION_UNPLUG,    /*< nick=unplug >*/
  FL_LAB_ACTION_PLUG,      /*< nick=plug >*/
  FL_LAB_ACTION_ROLLBACK,  /*< nick=rollback >*/
  FL_N_LAB_ACTIONS         /*< nick=none >*/
} FlLabAction;

const char *fl_lab_action_to_string   (FlLabAction  action);
gboolean    fl_lab_action_from_string (const char  *text,
                                       FlLabAction *action);
gboolean    fl_lab_action_takes_down  (FlLabAction  action);
const char *fl_lab_action_to_busy_label (FlLabAction action);

/* what the probes last said of a DC */
typedef enum
{
  FL_ANSWERING_UNKNOWN,   /*< nick=unknown >*/ /* no answer yet, or nothing known */
  FL_ANSWERING_YES,       /*< nick=yes >*/ /* its LDAP ping answered (ok or degraded) */
  FL_ANSWERING_NO,        /*< nick=no >*/
} FlAnswering;

/* one VM of the lab as the front end knows it now */
typedef struct
{
  const char  *name;              /* the lab's name for it (DC1, WIN11) */
  const char  *host;              /* nullable: its DNS name (dc1.test.local) */
  gboolean     is_dc;
  FlAnswering  answering;         /* DCs: from the probes */
  gboolean     action_in_flight;  /* a destructive action on it runs now: it counts as down */
  const FlVmState *vm;            /* nullable: its VM's state, when it could be read */
} FlInterlockVm;

typedef enum
{
  FL_VERDICT_ALLOWED,    /*< nick=allowed >*/
  FL_VERDICT_CONFIRM,    /*< nick=confirm >*/ /* only once the user has confirmed every reason (CLI: --yes) */
  FL_VERDICT_REFUSED,    /*< nick=refused >*/ /* never, whatever the user says */
} FlVerdictKind;

typedef enum
{
  FL_INTERLOCK_TOTAL_OUTAGE   = 1 << 0,   /*< nick=total-outage >*/   /* no other DC answers: the domain goes dark */
  FL_INTERLOCK_RESTART_GUARD  = 1 << 1,   /*< nick=restart-guard >*/   /* another DC came back minutes ago */
  FL_INTERLOCK_ROLLBACK_TRUST = 1 << 2,   /*< nick=rollback-trust >*/   /* a rollback breaks the machine trust */
  FL_INTERLOCK_STATE_UNKNOWN  = 1 << 3,   /*< nick=state-unknown >*/   /* the VM's or a DC's state is not known: fail closed */
  FL_INTERLOCK_NOT_IN_LAB     = 1 << 4,   /*< nick=not-in-lab >*/   /* refused: not a VM of this lab */
  FL_INTERLOCK_NAME_MISMATCH  = 1 << 5,   /*< nick=name-mismatch >*/   /* refused: the vmid is another VM (a neighbour's) */
  FL_INTERLOCK_HOLDER_DOWN    = 1 << 6,   /*< nick=holder-down >*/   /* refused: a role's holder does not answer (that is a seizure) */
  FL_INTERLOCK_TARGET_DOWN    = 1 << 7,   /*< nick=target-down >*/   /* refused: the DC to take a role does not answer */
  FL_INTERLOCK_HOLDER_UNKNOWN = 1 << 8,   /*< nick=holder-unknown >*/   /* who holds the role is not known yet */
} FlInterlock;

/* the reasons a user can confirm (CLI: --yes); the others refuse */
#define FL_INTERLOCK_CONFIRMABLE (FL_INTERLOCK_TOTAL_OUTAGE | FL_INTERLOCK_RESTART_GUARD | \
                                  FL_INTERLOCK_ROLLBACK_TRUST | FL_INTERLOCK_STATE_UNKNOWN | \
                                  FL_INTERLOCK_HOLDER_UNKNOWN)

typedef struct
{
  FlVerdictKind kind;
  guint         reasons;        /* FlInterlock flags */
  char         *vm;             /* the lab's name of the target */
  char         *silent;         /* TOTAL_OUTAGE: the other DCs, none answering ("" when none) */
  char         *unknown;        /* STATE_UNKNOWN: what is not known */
  char         *came_back;      /* RESTART_GUARD: the DC that came back */
  gint64        came_back_s;    /* … its uptime */
  guint         guard_min;
  char         *reported_name;  /* NAME_MISMATCH: the VM's name on the hypervisor */
  gboolean      transfer;       /* a role transfer (not a VM action): … */
  FlFsmoRole    role;           /* … the role … */
  char         *holder;         /* … and its holder now (nullable: not known) */
} FlVerdict;

FlVerdict *fl_interlock_decide     (const FlInterlockVm *vms,
                                    guint                n_vms,
                                    const char          *target,
                                    FlLabAction          action,
                                    guint                guard_min);
FlVerdict *fl_interlock_decide_transfer (const FlInterlockVm *vms,
                                         guint                n_vms,
                                         const char          *target,
                                         FlFsmoRole           role,
                                         const char          *holder);
char      *fl_verdict_describe     (const FlVerdict     *verdict);
void       fl_verdict_free         (FlVerdict           *verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlVerdict, fl_verdict_free)

G_END_DECLS

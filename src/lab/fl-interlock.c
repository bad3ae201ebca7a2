/* fl-interlock.c: the VM interlocks, decided once for every front end
 *
 * The window and failoverctl each feed what they know (the probes' last word on each DC, the
 * VMs' states, the actions in flight) to one function, which says what a class needs said
 * before a VM is broken: allowed, allowed once the user confirms each reason, or never. It
 * fails closed: what is not known is a reason to confirm, never a reason to go ahead.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-interlock.h"
#include "fl-lab-enums.h"
#include "fl-probe-types.h"

/* the one vocabulary of lab actions: the enum's nicks (glib-mkenums), which are the CLI's verbs
 * and the JSON strings */
const char *
fl_lab_action_to_string (FlLabAction action)
{
  g_return_val_if_fail (action < FL_N_LAB_ACTIONS, NULL);
  return fl_enum_to_nick (FL_TYPE_LAB_ACTION, (int)action);
}

gboolean
fl_lab_action_from_string (const char  *text,
                           FlLabAction *action)
{
  int v;

  if (!fl_enum_from_nick (FL_TYPE_LAB_ACTION, text, &v) || v >= FL_N_LAB_ACTIONS)
    return FALSE;
  *action = (FlLabAction)v;
  return TRUE;
}

/**
 * fl_lab_action_to_busy_label:
 *
 * Returns: what a VM shows while @action runs on it, translated ("shutting down…")
 */
const char *
fl_lab_action_to_busy_label (FlLabAction action)
{
  switch (action)
    {
    case FL_LAB_ACTION_START:
      return _("starting…");
    case FL_LAB_ACTION_SHUTDOWN:
      return _("shutting down…");
    case FL_LAB_ACTION_STOP:
      return _("powering off…");
    case FL_LAB_ACTION_REBOOT:
      return _("rebooting…");
    case FL_LAB_ACTION_UNPLUG:
      return _("unplugging the network…");
    case FL_LAB_ACTION_PLUG:
      return _("plugging the network in…");
    case FL_LAB_ACTION_ROLLBACK:
      return _("reverting to the snapshot…");
    case FL_N_LAB_ACTIONS:
    default:
      return "";
    }
}

/* does it take the VM (and, for a DC, its services) away? */
gboolean
fl_lab_action_takes_down (FlLabAction action)
{
  switch (action)
    {
    case FL_LAB_ACTION_SHUTDOWN:
    case FL_LAB_ACTION_STOP:
    case FL_LAB_ACTION_REBOOT:
    case FL_LAB_ACTION_UNPLUG:
    case FL_LAB_ACTION_ROLLBACK:
      return TRUE;
    case FL_LAB_ACTION_START:
    case FL_LAB_ACTION_PLUG:
    case FL_N_LAB_ACTIONS:
    default:
      return FALSE;
    }
}

/* Is @reported the VM the lab means? Proxmox names a VM as its owner chose: the lab's name for
 * it ("DC1") or its host's first label ("dc1" of dc1.test.local), in any case. */
static gboolean
name_matches (const FlInterlockVm *vm,
              const char          *reported)
{
  gsize label;

  if (g_ascii_strcasecmp (reported, vm->name) == 0)
    return TRUE;
  if (vm->host == NULL)
    return FALSE;
  label = strcspn (vm->host, ".");
  return strlen (reported) == label && g_ascii_strncasecmp (reported, vm->host, label) == 0;
}

static void
append (GString    *list,
        const char *name)
{
  g_string_append_printf (list, "%s%s", list->len ? ", " : "", name);
}

static FlVerdict *
refuse_not_in_lab (FlVerdict  *v,
                   const char *target)
{
  v->kind = FL_VERDICT_REFUSED;
  v->reasons = FL_INTERLOCK_NOT_IN_LAB;
  v->vm = g_strdup (target);
  return v;
}

/**
 * fl_interlock_decide:
 * @vms: (array length=n_vms): every VM of the lab as the caller knows it now
 * @target: the lab's name of the VM to act on (any case)
 * @guard_min: minutes a DC that came back is given before another is broken (0: no guard)
 *
 * Returns: (transfer full): the verdict
 */
FlVerdict *
fl_interlock_decide (const FlInterlockVm *vms,
                     guint                n_vms,
                     const char          *target,
                     FlLabAction          action,
                     guint                guard_min)
{
  FlVerdict *v = g_new0 (FlVerdict, 1);
  const FlInterlockVm *me = NULL;
  g_autoptr(GString) silent = g_string_new (NULL);
  g_autoptr(GString) unknown = g_string_new (NULL);
  gboolean other_answers = FALSE;

  v->guard_min = guard_min;
  for (guint i = 0; i < n_vms && target != NULL; i++)
    if (g_ascii_strcasecmp (vms[i].name, target) == 0)
      me = &vms[i];
  if (me == NULL)
    return refuse_not_in_lab (v, target);
  v->vm = g_strdup (me->name);

  /* a wrong vmid must never touch a neighbour's VM, not even to start it */
  if (me->vm != NULL && me->vm->name != NULL && *me->vm->name != '\0' && !name_matches (me, me->vm->name))
    {
      v->kind = FL_VERDICT_REFUSED;
      v->reasons = FL_INTERLOCK_NAME_MISMATCH;
      v->reported_name = g_strdup (me->vm->name);
      return v;
    }

  if (!fl_lab_action_takes_down (action))
    {
      v->kind = FL_VERDICT_ALLOWED;
      return v;
    }

  if (me->vm == NULL)
    {
      v->reasons |= FL_INTERLOCK_STATE_UNKNOWN;
      append (unknown, me->name);
    }
  if (action == FL_LAB_ACTION_ROLLBACK)
    v->reasons |= FL_INTERLOCK_ROLLBACK_TRUST;

  if (me->is_dc)
    {
      gboolean any_unknown = FALSE;

      for (guint i = 0; i < n_vms; i++)
        {
          const FlInterlockVm *o = &vms[i];

          if (o == me || !o->is_dc)
            continue;
          /* a DC being broken right now is down already, whatever its last sample said */
          if (o->answering == FL_ANSWERING_YES && !o->action_in_flight)
            other_answers = TRUE;
          else if (o->answering == FL_ANSWERING_UNKNOWN && !o->action_in_flight)
            {
              any_unknown = TRUE;
              append (unknown, o->name);
            }
          else
            append (silent, o->name);

          /* a DC that came back minutes ago may not have replicated yet */
          if (guard_min > 0 && o->vm != NULL && g_strcmp0 (o->vm->status, "running") == 0 &&
              o->vm->uptime_s > 0 && o->vm->uptime_s < (gint64)guard_min * 60 && v->came_back == NULL)
            {
              v->reasons |= FL_INTERLOCK_RESTART_GUARD;
              v->came_back = g_strdup (o->name);
              v->came_back_s = o->vm->uptime_s;
            }
        }
      if (!other_answers && any_unknown)
        v->reasons |= FL_INTERLOCK_STATE_UNKNOWN;
      else if (!other_answers)
        v->reasons |= FL_INTERLOCK_TOTAL_OUTAGE;
    }

  v->silent = g_string_free (g_steal_pointer (&silent), FALSE);
  v->unknown = g_string_free (g_steal_pointer (&unknown), FALSE);
  v->kind = v->reasons != 0 ? FL_VERDICT_CONFIRM : FL_VERDICT_ALLOWED;
  return v;
}

static const FlInterlockVm *
find_dc (const FlInterlockVm *vms,
         guint                n_vms,
         const char          *name)
{
  for (guint i = 0; i < n_vms && name != NULL; i++)
    if (vms[i].is_dc && g_ascii_strcasecmp (vms[i].name, name) == 0)
      return &vms[i];
  return NULL;
}

/**
 * fl_interlock_decide_transfer:
 * @vms: (array length=n_vms): every VM of the lab as the caller knows it now (the DCs count)
 * @target: the lab's name of the DC that is to hold @role
 * @holder: (nullable): the lab's name of @role's holder now, %NULL when not known
 *
 * A role is transferred, never seized: the holder must answer to hand it over, and the DC
 * that takes it must answer too.
 *
 * Returns: (transfer full): the verdict; allowed (nothing to do) when @target holds it already
 */
FlVerdict *
fl_interlock_decide_transfer (const FlInterlockVm *vms,
                              guint                n_vms,
                              const char          *target,
                              FlFsmoRole           role,
                              const char          *holder)
{
  FlVerdict *v = g_new0 (FlVerdict, 1);
  const FlInterlockVm *me = find_dc (vms, n_vms, target);
  const FlInterlockVm *from = find_dc (vms, n_vms, holder);

  v->transfer = TRUE;
  v->role = role;
  v->holder = g_strdup (from != NULL ? from->name : holder);
  if (me == NULL)
    return refuse_not_in_lab (v, target);
  v->vm = g_strdup (me->name);
  if (from == me)
    {
      v->kind = FL_VERDICT_ALLOWED;
      return v;
    }
  if (me->answering == FL_ANSWERING_NO || me->action_in_flight)
    v->reasons |= FL_INTERLOCK_TARGET_DOWN;
  if (from != NULL && (from->answering == FL_ANSWERING_NO || from->action_in_flight))
    v->reasons |= FL_INTERLOCK_HOLDER_DOWN;
  if (v->reasons != 0)
    {
      v->kind = FL_VERDICT_REFUSED;
      return v;
    }
  if (me->answering == FL_ANSWERING_UNKNOWN)
    {
      v->reasons |= FL_INTERLOCK_STATE_UNKNOWN;
      v->unknown = g_strdup (me->name);
    }
  if (from == NULL || from->answering == FL_ANSWERING_UNKNOWN)
    v->reasons |= FL_INTERLOCK_HOLDER_UNKNOWN;
  v->kind = v->reasons != 0 ? FL_VERDICT_CONFIRM : FL_VERDICT_ALLOWED;
  return v;
}

/**
 * fl_verdict_describe:
 *
 * Returns: (transfer full): every reason of the verdict, one paragraph each, for a
 *   confirmation dialog or a refusal on the terminal (the advice on how to go ahead anyway is
 *   the front end's); "" when allowed
 */
char *
fl_verdict_describe (const FlVerdict *v)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (v != NULL, NULL);

  if (v->reasons & FL_INTERLOCK_NOT_IN_LAB)
    g_string_append_printf (text, _("“%s” is not a VM of this lab: only the lab's DCs and client can be touched."),
                            v->vm ? v->vm : "");
  if (v->reasons & FL_INTERLOCK_NAME_MISMATCH)
    g_string_append_printf (text, _("The VM the lab file names for %s is called “%s” on the hypervisor: it is "
                                    "another machine. Correct the vmid in the lab file."),
                            v->vm, v->reported_name);
  if (v->reasons & FL_INTERLOCK_TARGET_DOWN)
    g_string_append_printf (text, _("%s does not answer: a role can only be moved to a DC that answers."), v->vm);
  if (v->reasons & FL_INTERLOCK_HOLDER_DOWN)
    {
      if (text->len)
        g_string_append (text, "\n\n");
      g_string_append_printf (text, _("%s holds the %s role and does not answer. A role is transferred while its "
                                      "holder answers, so that the holder hands it over."),
                              v->holder, fl_fsmo_role_to_label (v->role));
      g_string_append (text, "\n\n");
      g_string_append (text, _("Seizing the role (ntdsutil, or samba-tool fsmo seize) is only for a holder that "
                               "will never come back: that DC must then never be started again, or two DCs "
                               "act as holder. Failover Lab never seizes a role."));
    }
  if (v->reasons & FL_INTERLOCK_HOLDER_UNKNOWN)
    {
      if (text->len)
        g_string_append (text, "\n\n");
      if (v->holder != NULL)
        g_string_append_printf (text, _("Whether %s, which holds the %s role, answers is not known yet: if it "
                                        "does not, the transfer fails at its timeout."),
                                v->holder, fl_fsmo_role_to_label (v->role));
      else
        g_string_append_printf (text, _("Which DC holds the %s role is not known yet: if it does not answer, the "
                                        "transfer fails at its timeout."),
                                fl_fsmo_role_to_label (v->role));
    }
  if (v->reasons & FL_INTERLOCK_TOTAL_OUTAGE)
    {
      if (text->len)
        g_string_append (text, "\n\n");
      g_string_append_printf (text, _("No other DC answers (%s): this is a total outage. Every client loses its "
                                      "logon server."),
                              v->silent && *v->silent ? v->silent : _("there is none"));
    }
  if (v->reasons & FL_INTERLOCK_STATE_UNKNOWN)
    {
      if (text->len)
        g_string_append (text, "\n\n");
      if (v->transfer)
        g_string_append_printf (text, _("Whether %s answers is not known yet: if it does not, the transfer fails "
                                        "at its timeout."),
                                v->vm);
      else
        g_string_append_printf (text, _("The state of %s is not known yet: it may be the last DC that answers."),
                                v->unknown && *v->unknown ? v->unknown : v->vm);
    }
  if (v->reasons & FL_INTERLOCK_RESTART_GUARD)
    {
      if (text->len)
        g_string_append (text, "\n\n");
      g_string_append_printf (text, _("%s came back %d min ago: give it %u minutes to replicate before breaking "
                                      "another DC, or its changes may be lost."),
                              v->came_back, (int)(v->came_back_s / 60), v->guard_min);
    }
  if (v->reasons & FL_INTERLOCK_ROLLBACK_TRUST)
    {
      if (text->len)
        g_string_append (text, "\n\n");
      g_string_append (text, _("A rollback also rolls back the machine-account and trust passwords: expect “The "
                               "trust relationship between this workstation and the primary domain failed” until "
                               "they are reset, and for a DC, USN rollback protection stops its replication."));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
fl_verdict_free (FlVerdict *v)
{
  if (v == NULL)
    return;
  g_free (v->vm);
  g_free (v->silent);
  g_free (v->unknown);
  g_free (v->came_back);
  g_free (v->reported_name);
  g_free (v->holder);
  g_free (v);
}

/* fl-win-client.h: the Windows client's own view of the domain, asked of the client through
 * the hypervisor's guest agent every few seconds (nltest /dsgetdc /force, nltest /sc_query,
 * klist, LOGONSERVER in one PowerShell run), as samples of the win_* checks: the detector,
 * the chart, the recording and the exercises take them like any other.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fl-hypervisor.h"
#include "fl-lab-types.h"
#include "fl-probe-config.h"
#include "fl-sample.h"
#include "fl-ssh.h"

G_BEGIN_DECLS

#define FL_WIN_CLIENT_DEADLINE_MS 20000   /* PowerShell's start and nltest /force are slow */
#define FL_WIN_ACTION_GPUPDATE_DEADLINE_MS 120000   /* gpupdate /force waits for every extension */

/* what an action on the client did, as it reported */
typedef struct
{
  FlWinAction  action;
  gboolean     ok;          /* it did what was asked (a False, a failed refresh: not ok) */
  char        *summary;     /* one translated line */
  char        *server;      /* the lab's DC its output names (nullable) */
  char        *output;      /* what the client printed, valid UTF-8 (nullable) */
  gint64       wall_us;     /* when it ended */
  gint64       latency_us;
} FlWinActionResult;

FlWinActionResult *fl_win_action_result_new    (FlProbeConfig  *config,
                                                FlWinAction     action,
                                                gint64          exitcode,
                                                const char     *output);
FlWinActionResult *fl_win_action_result_copy   (const FlWinActionResult *self);
void               fl_win_action_result_free   (FlWinActionResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlWinActionResult, fl_win_action_result_free)

const char        *fl_win_action_get_label     (FlWinAction     action);
const char        *fl_win_action_get_command   (FlWinAction     action);
const char        *fl_win_action_to_string     (FlWinAction     action);
gboolean           fl_win_action_from_string   (const char     *nick,
                                                FlWinAction    *action);

#define FL_TYPE_WIN_CLIENT (fl_win_client_get_type ())
G_DECLARE_FINAL_TYPE (FlWinClient, fl_win_client, FL, WIN_CLIENT, GObject)

FlWinClient      *fl_win_client_new          (FlHypervisor   *hypervisor,
                                              guint           vmid,
                                              const char     *name,
                                              FlProbeConfig  *config,
                                              const char     *codepage);
FlWinClient      *fl_win_client_new_ssh      (FlSsh          *ssh,
                                              const char     *name,
                                              FlProbeConfig  *config,
                                              const char     *codepage);
FlSsh            *fl_win_client_get_ssh      (FlWinClient    *self);
gboolean          fl_win_client_trust_host_key (FlWinClient  *self,
                                              const char     *fingerprint,
                                              GError        **error);
const char       *fl_win_client_get_codepage (FlWinClient    *self);
void              fl_win_client_start        (FlWinClient    *self,
                                              guint           poll_ms,
                                              guint           deadline_ms);
void              fl_win_client_stop         (FlWinClient    *self);
void              fl_win_client_run_round    (FlWinClient    *self);
void              fl_win_client_run_action_async  (FlWinClient         *self,
                                                   FlWinAction          action,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
FlWinActionResult *fl_win_client_run_action_finish (FlWinClient         *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
const FlWinActionResult *fl_win_client_get_last_action (FlWinClient    *self,
                                                        FlWinAction     action);
FlWinClientState  fl_win_client_get_state    (FlWinClient    *self);
const char       *fl_win_client_state_to_label (FlWinClientState  state,
                                                const char      **css);
const char       *fl_win_client_get_message  (FlWinClient    *self);

GPtrArray        *fl_win_round_samples       (FlProbeConfig  *config,
                                              const char     *output,
                                              gint64          mono_us,
                                              gint64          wall_us,
                                              gint64          latency_us);
char             *fl_win_dc_name             (FlProbeConfig  *config,
                                              const char     *host);

G_END_DECLS

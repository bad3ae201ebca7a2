/* fuzz-pve.c: libFuzzer target for the Proxmox VE parsers (API answers, logins, the guest
 * agent's exec and exec-status): the first byte picks the HTTP status, the rest is the body; the same bytes are tried as a UPID and as a netN value.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fl-pve.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  static const guint statuses[] = { 200, 400, 401, 403, 500, 501, 595, 302 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  FlPveUpid upid;

  fuzz_set_logging_func ();
  if (size == 0)
    return 0;

  node = fl_pve_parse_response (statuses[data[0] % G_N_ELEMENTS (statuses)], "Reason", (const char *)data + 1,
                                size - 1, &error);
  g_assert ((node == NULL) != (error == NULL));
  if (node != NULL)
    {
      FlPveVmStatus st;
      g_autoptr(GPtrArray) snaps = NULL;
      FlVmState *state;

      g_free (fl_pve_find_vm_node (node, 101));
      if (fl_pve_parse_vm_status (node, &st, NULL))
        fl_pve_vm_status_clear (&st);
      /* the post-processing of both backends: snapshots, a VM's state from status + config */
      snaps = fl_pve_parse_snapshots (node);
      state = fl_pve_vm_state_new (101, "pve1", node, node, NULL);
      g_clear_pointer (&state, fl_vm_state_free);
      /* a login's answer, and the guest agent's (its output reaches the UI: valid UTF-8) */
      {
        g_autoptr(GError) e = NULL;
        g_autofree char *ticket = NULL, *csrf = NULL;
        g_autoptr(FlAgentResult) r = NULL;
        gboolean tfa = FALSE;
        gint64 pid = 0;

        if (fl_pve_parse_ticket (node, &ticket, &csrf, &tfa, &e))
          g_assert (strlen (ticket) <= FL_PVE_MAX_TICKET && strlen (csrf) <= FL_PVE_MAX_TICKET);
        g_clear_error (&e);
        if (fl_pve_parse_agent_pid (node, &pid, &e))
          g_assert (pid > 0);
        g_clear_error (&e);
        if (fl_pve_parse_agent_status (node, &r, &e) && r != NULL)
          g_assert (g_utf8_validate (r->out_data, -1, NULL) && g_utf8_validate (r->err_data, -1, NULL));
      }
    }

  /* the same bytes as a pvesh reply (stdout) and as its complaint (stderr) */
  {
    g_autoptr(GError) e = NULL;
    g_autofree char *err = g_strndup ((const char *)data, size);
    g_autoptr(JsonNode) n = fl_pve_parse_cli (data[0] % 3 == 0 ? 0 : 255, (const char *)data, size, err, &e);

    g_assert ((n == NULL) != (e == NULL));
  }

  text = g_strndup ((const char *)data, size);
  g_free (fl_pve_parse_qm_status (text));
  (void)fl_pve_task_exit_ok (text);
  if (fl_pve_upid_parse (text, &upid))
    {
      g_autofree char *again = fl_pve_upid_format (upid.node, upid.pid, upid.pstart, upid.starttime, upid.type,
                                                   upid.id, upid.user);
      FlPveUpid u2;

      g_assert (fl_pve_upid_parse (again, &u2));
      g_assert (u2.pid == upid.pid && u2.starttime == upid.starttime);
      fl_pve_upid_clear (&u2);
      fl_pve_upid_clear (&upid);
    }
  {
    g_autofree char *down = fl_pve_net_set_link (text, TRUE, NULL);

    if (down != NULL)
      {
        g_autofree char *up = fl_pve_net_set_link (down, FALSE, NULL);

        /* the cable goes and comes back; nothing else changes */
        g_assert (fl_pve_net_link_down (down));
        g_assert (up != NULL && !fl_pve_net_link_down (up));
      }
  }
  return 0;
}

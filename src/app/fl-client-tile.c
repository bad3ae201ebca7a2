/* fl-client-tile.c: the Windows client's own views, as the client itself last said them: its
 * locator's DC, its secure channel's DC and status, the KDC of its newest tickets, the DC it
 * signed in with (which never changes by itself) and its last Group Policy refresh, each with
 * when it was observed; and the commands a lesson runs on it.
 *
 * A view of the lab session (its timeline's latest win_* samples) and of its FlWinClient (its
 * state and its actions' outcomes): it keeps no sample and decides nothing.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-client-tile"

#include "config.h"

#include <glib/gi18n.h>

#include "fl-app-text.h"
#include "fl-client-tile.h"
#include "fl-dc-tile.h"
#include "fl-lab-enums.h"
#include "fl-win-client.h"

typedef enum
{
  ROW_LOCATOR,
  ROW_CHANNEL,
  ROW_KDC,
  ROW_LOGON,
  ROW_POLICY,
  N_ROWS
} RowId;

typedef struct
{
  GtkImage *icon;
  GtkLabel *value;
  GtkLabel *when;
} Row;

/* each row: its view (FL_N_CHECKS: the policy refresh, an action's outcome), its name, and
 * what it is on the client */
static const struct
{
  RowId        row;
  FlCheckKind  kind;
  const char  *name;
  const char  *tooltip;
} rows_table[] = {
  { ROW_LOCATOR, FL_CHECK_WIN_LOCATOR, N_("Locator"),
    N_("nltest /dsgetdc /force: the DC the client finds now") },
  { ROW_CHANNEL, FL_CHECK_SECURE_CHANNEL, N_("Secure channel"),
    N_("nltest /sc_query: the DC of the computer's secure channel; it moves only after its DC has "
       "stopped answering for a while, or on nltest /sc_reset") },
  { ROW_KDC, FL_CHECK_WIN_KDC, N_("Tickets from"),
    N_("klist: the KDC that issued the newest tickets") },
  { ROW_LOGON, FL_CHECK_WIN_LOGON, N_("DC at sign-in"),
    N_("$env:LOGONSERVER: the DC that signed the user in; it changes only when the user signs in again") },
  { ROW_POLICY, FL_N_CHECKS, N_("Group Policy"),
    N_("gpupdate /force, then gpresult /r: the last refresh and the DC that served it") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (rows_table) == N_ROWS);

struct _FlClientTile
{
  AdwBin parent_instance;

  /* template widgets */
  GtkBox        *box;
  GtkLabel      *name_label;
  GtkLabel      *state_label;
  GtkLabel      *how_label;
  GtkGrid       *grid;
  GtkMenuButton *run_button;
  GtkButton     *trust_button;
  GtkLabel      *action_label;

  Row            rows[N_ROWS];
  FlLabSession  *session;
  FlWinClient   *client;        /* nullable: a replay, or a lab not reached yet */
  GCancellable  *cancellable;
  gboolean       busy;
  gboolean       seen;          /* a view of the client has come (live, or in a replay) */
};

G_DEFINE_FINAL_TYPE (FlClientTile, fl_client_tile, ADW_TYPE_BIN)

static char *
format_when (gint64 wall_us)
{
  g_autoptr(GDateTime) dt = wall_us > 0 ? g_date_time_new_from_unix_local (wall_us / G_USEC_PER_SEC) : NULL;

  return dt ? g_date_time_format (dt, "%H:%M:%S") : g_strdup ("");
}

/* a view's value for people: the DC, or why there is none */
static char *
view_value (FlSample *sample)
{
  const char *server = fl_sample_lookup_string (sample, "server");
  const char *code = fl_sample_lookup_string (sample, "code");

  switch (fl_sample_get_status (sample))
    {
    case FL_STATUS_OK:
    case FL_STATUS_DEGRADED:
      return g_strdup (server ? server : "?");
    case FL_STATUS_SKIPPED:
      return g_strdup ("—");
    case FL_STATUS_FAIL:
    case FL_STATUS_TIMEOUT:
    default:
      if (fl_sample_get_kind (sample) == FL_CHECK_SECURE_CHANNEL)
        {
          const char *with = fl_sample_lookup_string (sample, "trusted_dc");

          /* TRANSLATORS: the secure channel is down: "DC1, failing (1722 RPC_S_SERVER_UNAVAILABLE)" */
          return g_strdup_printf (_("%s, failing (%s)"), with ? with : _("no DC"), code ? code : "?");
        }
      if (code != NULL)
        return g_strdup_printf (_("No DC (%s)"), code);
      return g_strdup (_("No DC"));
    }
}

static void
set_row (FlClientTile *self,
         RowId         id,
         FlStatus      status,
         const char   *value,
         const char   *tooltip,
         gint64        wall_us)
{
  Row *row = &self->rows[id];
  g_autofree char *when = format_when (wall_us);
  const char *icon, *css;

  fl_dc_tile_status_look (status, &icon, &css);
  gtk_image_set_from_icon_name (row->icon, icon);
  fl_dc_tile_set_css (GTK_WIDGET (row->icon), css);
  gtk_label_set_label (row->value, value);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->value), tooltip);
  gtk_label_set_label (row->when, when);
}

static void
update_views (FlClientTile *self)
{
  FlTimeline *timeline = fl_lab_session_get_timeline (self->session);

  for (guint i = 0; i < N_ROWS; i++)
    {
      FlSample *sample;
      g_autofree char *value = NULL;

      if (rows_table[i].kind == FL_N_CHECKS)
        continue;
      sample = fl_timeline_get_latest (timeline, NULL, rows_table[i].kind);
      if (sample == NULL)
        continue;
      value = view_value (sample);
      set_row (self, rows_table[i].row, fl_sample_get_status (sample), value, fl_sample_get_message (sample),
               fl_sample_get_wall_us (sample));
    }
}

static void
update_state (FlClientTile *self)
{
  const char *css = NULL;
  const char *text;

  if (self->client == NULL)
    {
      /* a replay, or a hypervisor not connected (yet) */
      text = _("Not asked");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label),
                                   _("The client is asked through the hypervisor's guest agent once it is connected"));
    }
  else
    {
      text = fl_win_client_state_to_label (fl_win_client_get_state (self->client), &css);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), fl_win_client_get_message (self->client));
    }
  gtk_label_set_label (self->state_label, text);
  fl_dc_tile_set_css (GTK_WIDGET (self->state_label), css);
  /* a key not known yet may be trusted here; a changed one never (the message says what to do) */
  gtk_widget_set_visible (GTK_WIDGET (self->trust_button),
                          self->client != NULL && fl_win_client_get_state (self->client) == FL_WIN_CLIENT_UNTRUSTED &&
                          fl_win_client_get_ssh (self->client) != NULL &&
                          fl_ssh_get_host_key_unknown (fl_win_client_get_ssh (self->client)));
}

static void
update_actions (FlClientTile *self)
{
  gboolean can = self->client != NULL && !self->busy;

  gtk_widget_set_visible (GTK_WIDGET (self->run_button), self->client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "client.run", can);
}

/* the policy row, and the last other action's outcome under the rows (or what runs now) */
static void
update_outcomes (FlClientTile *self)
{
  const FlWinActionResult *gp, *latest = NULL;

  if (self->client == NULL)
    return;
  gp = fl_win_client_get_last_action (self->client, FL_WIN_ACTION_GPUPDATE);
  if (gp != NULL)
    set_row (self, ROW_POLICY, gp->ok ? FL_STATUS_OK : FL_STATUS_FAIL, gp->summary, gp->output, gp->wall_us);
  if (self->busy)
    return;
  for (guint a = 0; a < FL_WIN_N_ACTIONS; a++)
    {
      const FlWinActionResult *r = fl_win_client_get_last_action (self->client, a);

      if (a != FL_WIN_ACTION_GPUPDATE && r != NULL && (latest == NULL || r->wall_us > latest->wall_us))
        latest = r;
    }
  if (latest != NULL)
    {
      g_autofree char *when = format_when (latest->wall_us);
      /* TRANSLATORS: the last command run on the client: "12:04:10 · nltest /sc_reset: Secure channel reset: now with DC1" */
      g_autofree char *text = g_strdup_printf (_("%s · %s: %s"), when, fl_win_action_get_command (latest->action),
                                               latest->summary);

      gtk_label_set_label (self->action_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->action_label), latest->output);
      fl_dc_tile_set_css (GTK_WIDGET (self->action_label), latest->ok ? NULL : "error");
      gtk_widget_set_visible (GTK_WIDGET (self->action_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->action_label), FALSE);   /* gpupdate's is in its row */
}

/* shown once there is something to show: a client that can be asked, or its views (a replay);
 * an empty tile would only push the chart down. In the tiles' flow box, its slot goes too. */
static void
update_shown (FlClientTile *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  gtk_widget_set_visible (parent != NULL && GTK_IS_FLOW_BOX_CHILD (parent) ? parent : GTK_WIDGET (self),
                          self->client != NULL || self->seen);
}

static void
on_sample (FlLabSession *session,
           FlSample     *sample,
           FlClientTile *self)
{
  if (!fl_check_kind_is_windows (fl_sample_get_kind (sample)))
    return;
  update_views (self);
  if (!self->seen)
    {
      self->seen = TRUE;
      update_shown (self);
    }
}

static void
on_action_done (FlClientTile *self)
{
  update_outcomes (self);
}

static void
set_client (FlClientTile *self)
{
  FlWinClient *client = fl_lab_session_get_win_client (self->session);

  if (self->client == client)
    return;
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->busy = FALSE;
  g_set_object (&self->client, client);
  if (client != NULL)
    {
      self->cancellable = g_cancellable_new ();
      g_signal_connect_swapped (client, "notify::state", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (client, "notify::message", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (client, "action-done", G_CALLBACK (on_action_done), self);
    }
  update_state (self);
  update_actions (self);
  update_outcomes (self);
  update_shown (self);
}

static void
action_finished (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(FlClientTile) self = data;
  g_autoptr(GError) error = NULL;
  /* the outcome (or why it could not run) is the client's last for the action: shown from there */
  g_autoptr(FlWinActionResult) r = fl_win_client_run_action_finish (FL_WIN_CLIENT (object), result, &error);

  (void)r;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || FL_WIN_CLIENT (object) != self->client)
    return;
  self->busy = FALSE;
  update_actions (self);
  update_outcomes (self);
}

static void
run_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FlClientTile *self = FL_CLIENT_TILE (widget);
  FlWinAction action;
  g_autofree char *text = NULL;

  if (self->client == NULL || self->busy || !fl_win_action_from_string (g_variant_get_string (param, NULL), &action))
    return;
  self->busy = TRUE;
  update_actions (self);
  /* TRANSLATORS: a command running on the Windows client: "Running gpupdate /force on WS01…" */
  text = g_strdup_printf (_("Running %s on %s…"), fl_win_action_get_command (action),
                          fl_lab_get_client_name (fl_lab_session_get_lab (self->session)));
  gtk_label_set_label (self->action_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->action_label), NULL);
  fl_dc_tile_set_css (GTK_WIDGET (self->action_label), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->action_label), TRUE);
  fl_win_client_run_action_async (self->client, action, self->cancellable, action_finished, g_object_ref (self));
}

static void
trust_response (AdwMessageDialog *dialog,
                const char       *response,
                FlClientTile     *self)
{
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "fingerprint");
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "trust") || self->client == NULL)
    return;
  if (!fl_win_client_trust_host_key (self->client, fingerprint, &error))
    {
      gtk_label_set_label (self->action_label, error->message);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->action_label), NULL);
      fl_dc_tile_set_css (GTK_WIDGET (self->action_label), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->action_label), TRUE);
    }
}

/* trust on first use, as for the hypervisor: the fingerprint shown, where to compare it said */
static void
trust_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  FlClientTile *self = FL_CLIENT_TILE (widget);
  FlSsh *ssh = self->client ? fl_win_client_get_ssh (self->client) : NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *body = NULL;
  g_autofree char *file = NULL;
  GtkWidget *dialog;

  if (ssh == NULL || fl_ssh_get_host_fingerprint (ssh) == NULL || !GTK_IS_WINDOW (root))
    return;
  file = fl_ssh_get_host_key_file (ssh);
  /* TRANSLATORS: %1$s the client's name, %2$s its address, %3$s its key file (C:\ProgramData\ssh\ssh_host_ed25519_key.pub) */
  body = g_strdup_printf (_("The SSH host key of %1$s (%2$s) is not known. Compare its fingerprint (below) with "
                            "the one “ssh-keygen -lf %3$s” prints on the client. If they are the same, trust it: "
                            "known_hosts will remember it."),
                          fl_lab_get_client_name (fl_lab_session_get_lab (self->session)), fl_ssh_get_host (ssh), file);
  dialog = fl_trust_dialog_new (GTK_WINDOW (root), _("Trust This Host Key?"), body, fl_ssh_get_host_fingerprint (ssh));
  g_signal_connect_object (dialog, "response", G_CALLBACK (trust_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
fl_client_tile_dispose (GObject *object)
{
  FlClientTile *self = FL_CLIENT_TILE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_client_tile_parent_class)->dispose (object);
}

static void
fl_client_tile_class_init (FlClientTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_client_tile_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/failoverlab/FailoverLab/ui/fl-client-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, FlClientTile, box);
  gtk_widget_class_bind_template_child (widget_class, FlClientTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, FlClientTile, state_label);
  gtk_widget_class_bind_template_child (widget_class, FlClientTile, how_label);
  gtk_widget_class_bind_template_child (widget_class, FlClientTile, grid);
  gtk_widget_class_bind_template_child (widget_class, FlClientTile, run_button);
  gtk_widget_class_bind_template_child (widget_class, FlClientTile, trust_button);
  gtk_widget_class_bind_template_child (widget_class, FlClientTile, action_label);
  gtk_widget_class_install_action (widget_class, "client.run", "s", run_activated);
  gtk_widget_class_install_action (widget_class, "client.trust", NULL, trust_activated);
}

static void
fl_client_tile_init (FlClientTile *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < N_ROWS; i++)
    {
      GtkWidget *name = gtk_label_new (_(rows_table[i].name));
      Row *row = &self->rows[i];

      /* the status is said by the words beside it: the icon is for the eye only */
      row->icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", "content-loading-symbolic",
                                "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
      row->value = GTK_LABEL (gtk_label_new ("—"));
      row->when = GTK_LABEL (gtk_label_new (""));
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_set_tooltip_text (name, _(rows_table[i].tooltip));
      gtk_label_set_xalign (row->value, 0);
      gtk_label_set_wrap (row->value, TRUE);
      gtk_label_set_max_width_chars (row->value, 22);
      gtk_widget_set_hexpand (GTK_WIDGET (row->value), TRUE);
      gtk_label_set_xalign (row->when, 1);
      gtk_widget_add_css_class (GTK_WIDGET (row->when), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (row->when), "numeric");
      fl_dc_tile_set_css (GTK_WIDGET (row->icon), "dim-label");
      gtk_grid_attach (self->grid, GTK_WIDGET (row->icon), 0, (int)i, 1, 1);
      gtk_grid_attach (self->grid, name, 1, (int)i, 1, 1);
      gtk_grid_attach (self->grid, GTK_WIDGET (row->value), 2, (int)i, 1, 1);
      gtk_grid_attach (self->grid, GTK_WIDGET (row->when), 3, (int)i, 1, 1);
      /* the row's name says what the icon shows */
      gtk_accessible_update_relation (GTK_ACCESSIBLE (row->value), GTK_ACCESSIBLE_RELATION_LABELLED_BY, name, NULL, -1);
    }
  gtk_label_set_label (self->rows[ROW_POLICY].value, _("not refreshed yet"));
  for (guint a = 0; a < FL_WIN_N_ACTIONS; a++)
    {
      g_autofree char *detailed = g_strdup_printf ("client.run::%s", fl_win_action_to_string (a));
      g_autofree char *label = g_strdup_printf ("%s (%s)", fl_win_action_get_label (a), fl_win_action_get_command (a));
      g_auto(GStrv) parts = g_strsplit (label, "_", -1);
      /* a menu label's "_" marks a mnemonic: "nltest /sc_reset" keeps its own */
      g_autofree char *escaped = g_strjoinv ("__", parts);

      g_menu_append (menu, escaped, detailed);
    }
  gtk_menu_button_set_menu_model (self->run_button, G_MENU_MODEL (menu));
}

/**
 * fl_client_tile_new:
 *
 * Returns: (transfer floating): a tile for the session's Windows client
 */
GtkWidget *
fl_client_tile_new (FlLabSession *session)
{
  FlClientTile *self = g_object_new (FL_TYPE_CLIENT_TILE, NULL);
  FlLab *lab = fl_lab_session_get_lab (session);
  g_autofree char *how = NULL;

  self->session = g_object_ref (session);
  gtk_label_set_label (self->name_label, fl_lab_get_client_name (lab));
  /* TRANSLATORS: under the Windows client's name: how often it is asked */
  how = g_strdup_printf (_("Windows client · its own views, asked every %u s"),
                         MAX (1u, fl_lab_get_client_poll_ms (lab) / 1000));
  gtk_label_set_label (self->how_label, how);
  g_signal_connect (session, "sample", G_CALLBACK (on_sample), self);
  g_signal_connect_swapped (session, "notify::win-client", G_CALLBACK (set_client), self);
  g_signal_connect (self, "notify::parent", G_CALLBACK (update_shown), NULL);
  self->seen = fl_timeline_get_latest (fl_lab_session_get_timeline (session), NULL, FL_CHECK_WIN_LOCATOR) != NULL;
  update_views (self);
  update_state (self);
  update_actions (self);
  set_client (self);
  return GTK_WIDGET (self);
}

/* fl-dc-details.c: one DC in full: every check's last result, the last error of each in full,
 * the decoded LDAP ping reply and the rootDSE; updated live, copyable as text. With the lab
 * session, the FSMO roles' holders too, and a role can be moved to this DC.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-dc-details"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "fl-app-text.h"
#include "fl-dc-details.h"
#include "fl-gpo-view.h"
#include "fl-hint.h"
#include "fl-dc-tile.h"
#include "fl-fsmo-transfer.h"

#define REFRESH_MS 1000

struct _FlDcDetails
{
  AdwWindow parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  AdwPreferencesGroup  *checks_group;
  AdwPreferencesGroup  *errors_group;
  AdwPreferencesGroup  *hints_group;
  AdwPreferencesGroup  *ping_group;
  AdwPreferencesGroup  *rootdse_group;
  AdwPreferencesGroup  *roles_group;

  /* owned */
  FlDcState            *state;
  FlLabSession         *session;       /* nullable: the roles' holders, and moving one */
  AdwActionRow         *role_rows[FL_FSMO_N_ROLES];
  GtkWidget            *role_buttons[FL_FSMO_N_ROLES];
  GHashTable           *rows;          /* key → AdwActionRow (borrowed: the groups own them) */
  guint                 refresh_source;
};

G_DEFINE_FINAL_TYPE (FlDcDetails, fl_dc_details, ADW_TYPE_WINDOW)

static const struct {
  const char *key;
  const char *label;
} ping_fields[] = {
  { "dc_host", N_("DC host name") },
  { "netbios_computer", N_("NetBIOS name") },
  { "domain", N_("Domain") },
  { "netbios_domain", N_("NetBIOS domain") },
  { "forest", N_("Forest") },
  { "domain_guid", N_("Domain GUID") },
  { "dc_site", N_("DC site") },
  { "client_site", N_("Client site") },
  { "next_closest_site", N_("Next closest site") },
  { "flags_text", N_("Flags") },
  { "opcode", N_("Opcode") },
  { "nt_version", N_("NtVersion") },
  { "method", N_("Transport") },
  { "raw", N_("Raw reply (hex)") },
};

/* the value of a detail key as text, whatever its type */
static char *
detail_text (const FlSample *sample,
             const char     *key)
{
  GVariant *detail = fl_sample_get_detail (sample);
  g_autoptr(GVariant) value = detail ? g_variant_lookup_value (detail, key, NULL) : NULL;

  if (value == NULL)
    return NULL;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32) && g_str_equal (key, "flags"))
    return g_strdup_printf ("0x%08x", g_variant_get_uint32 (value));
  return g_variant_print (value, FALSE);
}

static void
copy_clicked (GtkButton *button,
              AdwActionRow *row)
{
  FlDcDetails *self = FL_DC_DETAILS (gtk_widget_get_root (GTK_WIDGET (row)));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (row)), adw_action_row_get_subtitle (row));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied")));
}

/* creates the row for @key the first time, then only changes its text: the page keeps its
 * scroll position and focus while it updates */
static void
set_row (FlDcDetails         *self,
         AdwPreferencesGroup *group,
         const char          *key,
         const char          *title,
         const char          *subtitle,
         gboolean             copy_button)
{
  AdwActionRow *row = g_hash_table_lookup (self->rows, key);

  if (row == NULL)
    {
      row = ADW_ACTION_ROW (adw_action_row_new ());
      fl_row_set_plain (GTK_WIDGET (row));   /* a DC's messages, values and errors */
      adw_action_row_set_subtitle_lines (row, 0);
      gtk_widget_add_css_class (GTK_WIDGET (row), "property");
      if (copy_button)
        {
          GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_tooltip_text (button, _("Copy"));
          g_signal_connect (button, "clicked", G_CALLBACK (copy_clicked), row);
          adw_action_row_add_suffix (row, button);
        }
      adw_preferences_group_add (group, GTK_WIDGET (row));
      g_hash_table_insert (self->rows, g_strdup (key), row);
    }
  if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) != 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (g_strcmp0 (adw_action_row_get_subtitle (row), subtitle) != 0)
    adw_action_row_set_subtitle (row, subtitle);
}

static void
drop_row (FlDcDetails         *self,
          AdwPreferencesGroup *group,
          const char          *key)
{
  GtkWidget *row = g_hash_table_lookup (self->rows, key);

  if (row != NULL)
    {
      adw_preferences_group_remove (group, row);
      g_hash_table_remove (self->rows, key);
    }
}

/* "What to Do": the failure classes of the DC's latest samples, each once */
static void
refresh_hints (FlDcDetails *self)
{
  const char *host = fl_dc_state_get_host (self->state);
  const char *dot = host ? strchr (host, '.') : NULL;
  g_autofree char *domain = NULL;
  FlHintContext context = { 0 };
  gboolean seen[FL_N_HINTS] = { FALSE };
  gboolean any = FALSE;

  /* the lab's domain and every DC's level (a domain of Windows Server 2025 DCs only changes the
   * advice on a broken trust); without the session, a DC's name is in its domain */
  if (self->session != NULL)
    {
      domain = g_strdup (fl_lab_get_domain (fl_lab_session_get_lab (self->session)));
      fl_lab_session_scan_hint_context (self->session, &context);
    }
  else if (dot != NULL && dot[1] != '\0')
    domain = g_strdup (dot + 1);

  for (FlCheckKind k = 0; k < FL_N_DC_CHECKS; k++)
    {
      FlSample *latest = fl_dc_state_get_sample (self->state, k);
      FlHint hint = latest ? fl_hint_classify (latest, &context) : FL_HINT_NONE;

      if (hint != FL_HINT_NONE)
        seen[hint] = TRUE;
    }
  /* the domain's rules that concern this DC */
  if (context.infra_on_gc != NULL && g_ascii_strcasecmp (context.infra_on_gc, fl_dc_state_get_name (self->state)) == 0)
    seen[FL_HINT_INFRA_ON_GC] = TRUE;
  for (FlHint h = FL_HINT_NONE + 1; h < FL_N_HINTS; h++)
    {
      g_autofree char *key = g_strdup_printf ("hint:%s", fl_hint_to_string (h));

      if (seen[h])
        {
          g_autofree char *text = fl_hint_get_text (h, fl_dc_state_get_name (self->state), domain);

          set_row (self, self->hints_group, key, fl_hint_get_title (h), text, TRUE);
          any = TRUE;
        }
      else
        drop_row (self, self->hints_group, key);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->hints_group), any);
}

static void
refresh (FlDcDetails *self)
{
  gboolean any_error = FALSE;
  FlSample *ping, *ldap;
  g_autofree char *where = fl_dc_tile_format_where (self->state);
  g_autofree char *title = g_strdup_printf ("%s — %s", fl_dc_state_get_name (self->state),
                                            fl_dc_tile_describe (self->state, NULL));

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, where);

  for (FlCheckKind k = 0; k < FL_N_DC_CHECKS; k++)
    {
      FlSample *latest = fl_dc_state_get_sample (self->state, k);
      FlSample *problem = fl_dc_state_get_last_problem (self->state, k);
      g_autofree char *key = g_strdup_printf ("check:%d", k);
      g_autofree char *error_key = g_strdup_printf ("error:%d", k);
      g_autoptr(GString) text = g_string_new (NULL);

      if (latest == NULL)
        g_string_append (text, _("No result yet"));
      else
        {
          g_autofree char *when = fl_format_clock_time (fl_sample_get_wall_us (latest));

          g_string_append_printf (text, "%s · ", fl_status_to_label (fl_sample_get_status (latest)));
          g_string_append_printf (text, _("%.1f ms"), fl_sample_get_latency_us (latest) / 1000.0);
          g_string_append_printf (text, " · %s", when);
          if (fl_sample_get_message (latest) != NULL)
            g_string_append_printf (text, "\n%s", fl_sample_get_message (latest));
        }
      /* this DC's SYSVOL against the GPOs' versions in AD (the gpo view) */
      if (k == FL_CHECK_SYSVOL && latest != NULL && self->session != NULL)
        {
          FlSample *gpo = fl_timeline_get_latest (fl_lab_session_get_timeline (self->session), NULL,
                                                  FL_CHECK_GPO);
          const char *name = fl_dc_state_get_name (self->state);
          g_autofree char *view = NULL;

          if (fl_gpo_view (gpo, &latest, &name, 1, &view) != FL_STATUS_SKIPPED)
            g_string_append_printf (text, "\n%s", view);
        }
      set_row (self, self->checks_group, key, fl_check_kind_to_label (k), text->str, FALSE);

      if (problem != NULL)
        {
          g_autofree char *when = fl_format_clock_time (fl_sample_get_wall_us (problem));
          g_autofree char *error_title = g_strdup_printf ("%s · %s · %s", fl_check_kind_to_label (k),
                                                          fl_status_to_label (fl_sample_get_status (problem)), when);

          set_row (self, self->errors_group, error_key, error_title,
                   fl_sample_get_message (problem) ? fl_sample_get_message (problem) : "", TRUE);
          any_error = TRUE;
        }
    }
  refresh_hints (self);
  if (any_error)
    drop_row (self, self->errors_group, "error:none");
  else
    set_row (self, self->errors_group, "error:none", _("No errors since the lab was opened"), NULL, FALSE);

  /* the last reply the DC gave, even while it does not answer now */
  ping = fl_dc_state_get_last_answer (self->state, FL_CHECK_LDAP_PING);
  if (ping == NULL)
    set_row (self, self->ping_group, "ping:none", _("No reply yet"), NULL, FALSE);
  else
    {
      g_autofree char *when = fl_format_clock_time (fl_sample_get_wall_us (ping));

      drop_row (self, self->ping_group, "ping:none");
      set_row (self, self->ping_group, "ping:when", _("Received"), when, FALSE);
      for (guint i = 0; i < G_N_ELEMENTS (ping_fields); i++)
        {
          g_autofree char *value = detail_text (ping, ping_fields[i].key);
          g_autofree char *key = g_strconcat ("ping:", ping_fields[i].key, NULL);

          if (value != NULL && *value)
            set_row (self, self->ping_group, key, _(ping_fields[i].label), value, FALSE);
        }
      {
        g_autofree char *flags = detail_text (ping, "flags");

        if (flags != NULL)
          set_row (self, self->ping_group, "ping:flags", _("Flags (value)"), flags, FALSE);
      }
    }

  ldap = fl_dc_state_get_last_answer (self->state, FL_CHECK_LDAP);
  if (ldap == NULL || fl_sample_get_detail (ldap) == NULL)
    set_row (self, self->rootdse_group, "rootdse:none", _("No reply yet"), NULL, FALSE);
  else
    {
      GVariantIter iter;
      const char *name;
      GVariant *value;

      drop_row (self, self->rootdse_group, "rootdse:none");
      g_variant_iter_init (&iter, fl_sample_get_detail (ldap));
      while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
        {
          g_autofree char *key = g_strconcat ("rootdse:", name, NULL);

          /* the attributes, not the probe's own notes */
          if (!g_str_equal (name, "address") && !g_str_equal (name, "method") &&
              !g_str_equal (name, "error") && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
            set_row (self, self->rootdse_group, key, name, g_variant_get_string (value, NULL), FALSE);
          g_variant_unref (value);
        }
    }
}

/* who holds each role, and a "Move Here" for those held elsewhere */
static void
refresh_roles (FlDcDetails *self)
{
  const char *me = fl_dc_state_get_name (self->state);

  if (self->session == NULL)
    return;
  for (guint r = 0; r < FL_FSMO_N_ROLES; r++)
    {
      const char *holder = fl_lab_session_get_fsmo_holder (self->session, (FlFsmoRole)r);
      g_autofree char *text = NULL;

      if (holder == NULL)
        text = g_strdup (_("Not read yet"));
      else if (g_ascii_strcasecmp (holder, me) == 0)
        text = g_strdup (_("Held by this DC"));
      else
        /* TRANSLATORS: an FSMO role's holder: "Held by DC1" */
        text = g_strdup_printf (_("Held by %s"), holder);
      if (g_strcmp0 (adw_action_row_get_subtitle (self->role_rows[r]), text) != 0)
        adw_action_row_set_subtitle (self->role_rows[r], text);
      gtk_widget_set_visible (self->role_buttons[r], holder == NULL || g_ascii_strcasecmp (holder, me) != 0);
    }
}

static gboolean
refresh_cb (gpointer data)
{
  refresh (data);
  refresh_roles (data);
  return G_SOURCE_CONTINUE;
}

/* what the page shows, as plain text (for a ticket or a chat) */
/* a GPtrArray of strings: the sort gives pointers to the elements */
static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static void
append_group (GString             *s,
              FlDcDetails         *self,
              AdwPreferencesGroup *group,
              const char          *prefix)
{
  GHashTableIter iter;
  gpointer key, row;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  g_string_append_printf (s, "\n%s\n", adw_preferences_group_get_title (group));
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, &row))
    if (g_str_has_prefix (key, prefix))
      g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      AdwActionRow *r = g_hash_table_lookup (self->rows, keys->pdata[i]);
      const char *subtitle = adw_action_row_get_subtitle (r);

      g_string_append_printf (s, "  %s: %s\n", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (r)),
                              subtitle ? subtitle : "");
    }
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  FlDcDetails *self = FL_DC_DETAILS (widget);
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *roles = fl_dc_tile_format_roles (self->state);

  refresh (self);
  g_string_append_printf (s, "%s\n%s\n", adw_window_title_get_title (self->window_title),
                          adw_window_title_get_subtitle (self->window_title));
  if (*roles)
    g_string_append_printf (s, "%s\n", roles);
  append_group (s, self, self->checks_group, "check:");
  append_group (s, self, self->errors_group, "error:");
  append_group (s, self, self->hints_group, "hint:");
  append_group (s, self, self->ping_group, "ping:");
  append_group (s, self, self->rootdse_group, "rootdse:");
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), s->str);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied")));
}

static void
fl_dc_details_dispose (GObject *object)
{
  FlDcDetails *self = FL_DC_DETAILS (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_object (&self->state);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_DC_DETAILS);
  G_OBJECT_CLASS (fl_dc_details_parent_class)->dispose (object);
}

static void
fl_dc_details_finalize (GObject *object)
{
  FlDcDetails *self = FL_DC_DETAILS (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);
  G_OBJECT_CLASS (fl_dc_details_parent_class)->finalize (object);
}

static void
fl_dc_details_class_init (FlDcDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_dc_details_dispose;
  object_class->finalize = fl_dc_details_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/failoverlab/FailoverLab/ui/fl-dc-details.ui");
  gtk_widget_class_bind_template_child (widget_class, FlDcDetails, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlDcDetails, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlDcDetails, checks_group);
  gtk_widget_class_bind_template_child (widget_class, FlDcDetails, errors_group);
  gtk_widget_class_bind_template_child (widget_class, FlDcDetails, hints_group);
  gtk_widget_class_bind_template_child (widget_class, FlDcDetails, ping_group);
  gtk_widget_class_bind_template_child (widget_class, FlDcDetails, rootdse_group);
  gtk_widget_class_bind_template_child (widget_class, FlDcDetails, roles_group);
  gtk_widget_class_install_action (widget_class, "details.copy", NULL, copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "details.copy", NULL);
}

static void
fl_dc_details_init (FlDcDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * fl_dc_details_new:
 * @state: the DC's model: the window shows what the session knows of it, and follows it live
 */
GtkWidget *
fl_dc_details_new (FlDcState *state,
                   GtkWindow *parent)
{
  FlDcDetails *self;

  g_return_val_if_fail (FL_IS_DC_STATE (state), NULL);

  self = g_object_new (FL_TYPE_DC_DETAILS, "transient-for", parent, NULL);
  self->state = g_object_ref (state);
  refresh (self);
  self->refresh_source = g_timeout_add (REFRESH_MS, refresh_cb, self);
  return GTK_WIDGET (self);
}

static void
move_here_clicked (GtkButton   *button,
                   FlDcDetails *self)
{
  FlFsmoRole role = (FlFsmoRole)GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "role"));

  fl_fsmo_transfer_confirm (self->session, role, fl_dc_state_get_name (self->state), GTK_WINDOW (self),
                            self->toast_overlay);
}

/**
 * fl_dc_details_set_session:
 * @session: the live lab session the DC belongs to (not a recording played back): the window
 *   then shows the FSMO roles' holders and offers to move a role to this DC
 */
void
fl_dc_details_set_session (FlDcDetails  *self,
                           FlLabSession *session)
{
  g_return_if_fail (FL_IS_DC_DETAILS (self));
  g_return_if_fail (FL_IS_LAB_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  for (guint r = 0; r < FL_FSMO_N_ROLES; r++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Move Here…"));
      g_autofree char *tip = g_strdup_printf (_("Move the %s role to %s"), fl_fsmo_role_to_label ((FlFsmoRole)r),
                                              fl_dc_state_get_name (self->state));

      fl_row_set_plain (row);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_fsmo_role_to_label ((FlFsmoRole)r));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, tip);
      g_object_set_data (G_OBJECT (button), "role", GUINT_TO_POINTER (r));
      g_signal_connect (button, "clicked", G_CALLBACK (move_here_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->roles_group, row);
      self->role_rows[r] = ADW_ACTION_ROW (row);
      self->role_buttons[r] = button;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->roles_group), TRUE);
  refresh (self);
  refresh_roles (self);
}

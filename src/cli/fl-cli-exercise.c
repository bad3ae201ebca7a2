/* fl-cli-exercise.c: failoverctl exercise list | show ID|FILE | validate FILE…
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "failoverctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "fl-cli-common.h"
#include "fl-exercise-enums.h"
#include "fl-exercise.h"
#include "fl-predicate.h"

/* an argument is a file when it names one, else a built-in exercise's id */
static FlExercise *
load (const char  *arg,
      GError     **error)
{
  if (g_file_test (arg, G_FILE_TEST_EXISTS) || strchr (arg, '/') != NULL ||
      g_str_has_suffix (arg, ".json"))
    return fl_exercise_new_from_file (arg, error);
  return fl_exercise_lookup_builtin (arg, error);
}

static void
print_line (const char *indent,
            const char *text)
{
  g_autofree char *safe = fl_cli_safe (text);

  printf ("%s%s\n", indent, safe);
}

static char *
limits_text (const FlExpectation *e)
{
  if (e->for_us > 0)
    /* TRANSLATORS: an expectation's time limits: "within 10 s, then for 30 s" */
    return g_strdup_printf (_("within %g s, then for %g s"), e->within_us / 1e6, e->for_us / 1e6);
  return g_strdup_printf (_("within %g s"), e->within_us / 1e6);
}

static void
print_exercise (FlExercise *exercise)
{
  GPtrArray *preconditions = fl_exercise_get_preconditions (exercise);
  GPtrArray *rollback = fl_exercise_get_rollback (exercise);
  g_autofree char *header = g_strdup_printf ("%s (%s)", fl_exercise_get_title (exercise),
                                             fl_exercise_get_id (exercise));
  g_autofree char *about = NULL;

  print_line ("", header);
  about = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, about %u minute, %u or more DCs",
                                        "%s, about %u minutes, %u or more DCs",
                                        fl_exercise_get_minutes (exercise)),
                           fl_exercise_level_to_label (fl_exercise_get_level (exercise)),
                           fl_exercise_get_minutes (exercise), fl_exercise_get_min_dcs (exercise));
  print_line ("", about);
  if (fl_exercise_get_total_outage (exercise))
    print_line ("", _("Stops every DC: needs the total-outage confirmation (--yes)."));
  printf ("\n");
  print_line ("", fl_exercise_get_description (exercise));

  if (preconditions->len > 0)
    {
      printf ("\n");
      print_line ("", _("Before the start:"));
      for (guint i = 0; i < preconditions->len; i++)
        {
          FlExpectation *e = preconditions->pdata[i];
          g_autofree char *text = e->text ? g_strdup (e->text) : fl_predicate_describe (e->that, NULL);

          print_line ("  • ", text);
        }
    }

  for (guint i = 0; i < fl_exercise_get_n_steps (exercise); i++)
    {
      FlExerciseStep *step = fl_exercise_get_step (exercise, i);
      g_autofree char *title = g_strdup_printf ("%u. %s", i + 1, step->title);

      printf ("\n");
      print_line ("", title);
      if (step->action.kind != FL_STEP_NONE)
        {
          g_autofree char *action = fl_step_action_describe (&step->action);
          /* TRANSLATORS: a step's action in `failoverctl exercise show` */
          g_autofree char *line = g_strdup_printf (_("Action: %s"), action);

          print_line ("   ", line);
        }
      if (step->explanation != NULL)
        print_line ("   ", step->explanation);
      for (guint j = 0; j < step->expectations->len; j++)
        {
          FlExpectation *e = step->expectations->pdata[j];
          g_autofree char *text = e->text ? g_strdup (e->text) : fl_predicate_describe (e->that, NULL);
          g_autofree char *limits = limits_text (e);
          g_autofree char *line = g_strdup_printf ("%s (%s)", text, limits);

          print_line ("   • ", line);
        }
    }

  if (rollback->len > 0)
    {
      g_autoptr(GString) actions = g_string_new (NULL);

      for (guint i = 0; i < rollback->len; i++)
        {
          g_autofree char *action = fl_step_action_describe (rollback->pdata[i]);

          g_string_append_printf (actions, "%s%s", i ? ", " : "", action);
        }
      printf ("\n");
      {
        /* TRANSLATORS: what runs when an exercise is aborted or fails */
        g_autofree char *line = g_strdup_printf (_("On abort or failure: %s"), actions->str);

        print_line ("", line);
      }
    }
}

static void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

static void
add_summary (JsonBuilder *b,
             FlExercise  *exercise)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, fl_exercise_get_id (exercise));
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, fl_exercise_get_title (exercise));
  json_builder_set_member_name (b, "level");
  json_builder_add_string_value (b, fl_enum_to_nick (FL_TYPE_EXERCISE_LEVEL,
                                                     fl_exercise_get_level (exercise)));
  json_builder_set_member_name (b, "minutes");
  json_builder_add_int_value (b, fl_exercise_get_minutes (exercise));
  json_builder_set_member_name (b, "dcs");
  json_builder_add_int_value (b, fl_exercise_get_min_dcs (exercise));
  json_builder_set_member_name (b, "total_outage");
  json_builder_add_boolean_value (b, fl_exercise_get_total_outage (exercise));
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, fl_exercise_get_n_steps (exercise));
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, fl_exercise_get_description (exercise));
  json_builder_end_object (b);
}

static int
cmd_list (gboolean json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = fl_exercise_list_builtin (&error);

  if (list == NULL)
    return fl_cli_fail (_("the built-in exercises: %s"), error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        add_summary (b, list->pdata[i]);
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      print_json (root);
      return FL_EXIT_OK;
    }

  for (guint i = 0; i < list->len; i++)
    {
      FlExercise *exercise = list->pdata[i];

      printf ("%-24s %s\n", fl_exercise_get_id (exercise), fl_exercise_get_title (exercise));
    }
  return FL_EXIT_OK;
}

int
fl_cli_exercise (int    argc,
                 char **argv)
{
  gboolean json = FALSE;
  g_autoptr(GOptionContext) ctx =
    g_option_context_new (_("list | show ID|FILE | validate FILE… — the guided exercises"));
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (ctx, _("list: the built-in exercises, one per line (id, title).\n"
                                       "show: an exercise's steps, expectations and rollback.\n"
                                       "validate: check exercise files; each error names its "
                                       "JSON path."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail_with (FL_EXIT_USAGE, "%s", error->message);
  if (argc < 2)
    return fl_cli_fail_with (FL_EXIT_USAGE, "%s",
                             _("say what to do: exercise list, exercise show ID|FILE or exercise "
                               "validate FILE…"));

  if (g_str_equal (argv[1], "list") && argc == 2)
    return cmd_list (json);

  if (g_str_equal (argv[1], "show") && argc == 3)
    {
      g_autoptr(FlExercise) exercise = load (argv[2], &error);

      if (exercise == NULL)
        return fl_cli_fail_with (FL_EXIT_USAGE, "%s", error->message);
      if (json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
          g_autoptr(JsonNode) root = NULL;

          add_summary (b, exercise);
          root = json_builder_get_root (b);
          print_json (root);
        }
      else
        print_exercise (exercise);
      return FL_EXIT_OK;
    }

  if (g_str_equal (argv[1], "validate") && argc >= 3)
    {
      int rc = FL_EXIT_OK;

      for (int i = 2; i < argc; i++)
        {
          g_autoptr(GError) load_error = NULL;
          g_autoptr(FlExercise) exercise = fl_exercise_new_from_file (argv[i], &load_error);

          if (exercise == NULL)
            {
              g_autofree char *safe = fl_cli_safe (load_error->message);

              fprintf (stderr, "%s\n", safe);
              rc = FL_EXIT_USAGE;
            }
          else
            {
              /* TRANSLATORS: "exercise.json: valid (planned-failover, 4 steps)" */
              g_autofree char *line =
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: valid (%s, %u step)",
                                              "%s: valid (%s, %u steps)",
                                              fl_exercise_get_n_steps (exercise)),
                                 argv[i], fl_exercise_get_id (exercise),
                                 fl_exercise_get_n_steps (exercise));

              print_line ("", line);
            }
        }
      return rc;
    }

  return fl_cli_fail_with (FL_EXIT_USAGE, _("unknown exercise command “%s” (list, show ID|FILE, "
                                            "validate FILE…)"), argv[1]);
}

/* fl-cli-exercise.c: failoverctl exercise list | show ID|FILE | validate FILE…
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "failoverctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fl-cli-common.h"
#include "fl-exercise-enums.h"
#include "fl-exercise.h"
#include "fl-exercise-runner.h"
#include "fl-interlock.h"
#include "fl-lab-controller.h"
#include "fl-lab-hypervisor.h"
#include "fl-lab-probe.h"
#include "fl-pve.h"
#include "fl-predicate.h"

static int exercise_main (FlCliOptions *op, int argc, char **argv);

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
      fl_cli_print_json (root, TRUE);
      return FL_EXIT_OK;
    }

  for (guint i = 0; i < list->len; i++)
    {
      FlExercise *exercise = list->pdata[i];

      printf ("%-24s %s\n", fl_exercise_get_id (exercise), fl_exercise_get_title (exercise));
    }
  return FL_EXIT_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* exercise run */

#define FL_EXIT_INTERLOCK 4

typedef struct
{
  FlExerciseRunner *runner;
  GMainLoop        *loop;
  GAsyncResult     *result;
  gboolean          json;
  int               shown_step;      /* the last step whose title was printed */
  GArray           *shown;           /* per expectation of the shown step: its printed grade */
  guint             stdin_watch;
  gboolean          stdin_closed;
  guint             confirms;        /* lines typed before their step was waiting */
  guint             interrupts;
} Run;

static void
show_step (Run *run)
{
  FlExercise *exercise = fl_exercise_runner_get_exercise (run->runner);
  int index = fl_exercise_runner_get_step (run->runner);
  FlExerciseStep *step;
  g_autofree char *title = NULL;

  if (run->json || index < 0 || index == run->shown_step)
    return;
  run->shown_step = index;
  step = fl_exercise_get_step (exercise, (guint)index);
  g_array_set_size (run->shown, 0);
  g_array_set_size (run->shown, step->expectations->len);
  title = g_strdup_printf ("%d/%u  %s", index + 1, fl_exercise_get_n_steps (exercise), step->title);
  printf ("\n");
  print_line ("", title);
  if (step->action.kind == FL_STEP_VM)
    {
      const FlRoleBinding *binding = fl_grader_get_binding (fl_exercise_runner_get_grader (run->runner));
      g_autofree char *action = fl_step_action_describe (&step->action);
      g_autofree char *line = NULL;

      if (step->action.target != FL_ROLE_ALL && binding->dc[step->action.target] != NULL)
        /* TRANSLATORS: "Action: shutdown $serving (DC1)" */
        line = g_strdup_printf (_("Action: %s (%s)"), action, binding->dc[step->action.target]);
      else
        line = g_strdup_printf (_("Action: %s"), action);
      print_line ("   ", line);
    }
  if (step->explanation != NULL)
    print_line ("   ", step->explanation);
  fflush (stdout);
}

static void
show_grades (Run *run)
{
  FlGrader *grader = fl_exercise_runner_get_grader (run->runner);
  FlExercise *exercise = fl_exercise_runner_get_exercise (run->runner);
  int index = fl_exercise_runner_get_step (run->runner);
  const FlStepResult *r;
  FlExerciseStep *step;

  if (run->json || index < 0)
    return;
  show_step (run);
  r = fl_grader_get_step_result (grader, (guint)index);
  step = fl_exercise_get_step (exercise, (guint)index);
  for (guint j = 0; j < r->expectations->len && j < run->shown->len; j++)
    {
      const FlExpectationResult *x = r->expectations->pdata[j];
      FlExpectation *e = step->expectations->pdata[j];
      FlGrade *shown = &g_array_index (run->shown, FlGrade, j);
      g_autofree char *text = NULL;
      g_autofree char *line = NULL;

      if (x->grade == *shown || x->grade == FL_GRADE_PENDING)
        continue;
      *shown = x->grade;
      text = e->text ? g_strdup (e->text) : fl_predicate_describe (e->that, fl_grader_get_binding (grader));
      switch (x->grade)
        {
        case FL_GRADE_PASSED:
          /* TRANSLATORS: a passed expectation and when: "The DC locator moves to another DC (after 1.3 s)" */
          line = g_strdup_printf (_("✓ %s (after %.1f s)"), text, x->time_us / 1e6);
          break;
        case FL_GRADE_FAILED:
          line = g_strdup_printf ("✗ %s: %s", text, x->reason ? x->reason : "");
          break;
        case FL_GRADE_SKIPPED:
          line = g_strdup_printf (_("– %s (skipped)"), text);
          break;
        case FL_GRADE_ABORTED:
          line = g_strdup_printf (_("– %s (aborted)"), text);
          break;
        case FL_GRADE_PENDING:
        default:
          continue;
        }
      print_line ("   ", line);
      if (x->grade == FL_GRADE_FAILED && e->hint != NULL)
        {
          /* TRANSLATORS: shown under a failed expectation */
          g_autofree char *hint = g_strdup_printf (_("Hint: %s"), e->hint);

          print_line ("     ", hint);
        }
    }
  fflush (stdout);
}

static void
on_grader_changed (FlGrader *grader,
                   guint     step,
                   Run      *run)
{
  show_grades (run);
}

/* one "Done" a line typed; at the end of input, a step that waits for one can never end */
static void
stdin_gone (Run *run)
{
  if (!run->json)
    print_line ("", _("No more input: aborting (use --auto-confirm to run without anyone at the keyboard)"));
  fl_exercise_runner_abort (run->runner);
}

static gboolean
on_stdin (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  Run *run = user_data;
  char buf[256];
  ssize_t n = read (fd, buf, sizeof buf);

  if (n < 0 && errno == EINTR)
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      run->stdin_watch = 0;
      run->stdin_closed = TRUE;
      if (fl_exercise_runner_get_state (run->runner) == FL_RUN_WAITING_DONE)
        stdin_gone (run);
      return G_SOURCE_REMOVE;
    }
  for (ssize_t i = 0; i < n; i++)
    if (buf[i] == '\n')
      run->confirms++;
  while (run->confirms > 0 && fl_exercise_runner_get_state (run->runner) == FL_RUN_WAITING_DONE)
    {
      run->confirms--;
      fl_exercise_runner_confirm (run->runner);
    }
  return G_SOURCE_CONTINUE;
}

static void
on_state (FlExerciseRunner *runner,
          GParamSpec       *pspec,
          Run              *run)
{
  FlRunState state = fl_exercise_runner_get_state (runner);

  show_step (run);
  if (state == FL_RUN_WAITING_DONE)
    {
      FlExerciseStep *step = fl_exercise_get_step (fl_exercise_runner_get_exercise (runner),
                                                   (guint)fl_exercise_runner_get_step (runner));

      if (!run->json)
        {
          print_line ("   ", step->action.text);
          print_line ("   ", _("Press Enter when it is done."));
          fflush (stdout);
        }
      if (run->confirms > 0)
        {
          run->confirms--;
          fl_exercise_runner_confirm (runner);
        }
      else if (run->stdin_closed)
        stdin_gone (run);
      else if (run->stdin_watch == 0)
        run->stdin_watch = g_unix_fd_add (0, G_IO_IN | G_IO_HUP, on_stdin, run);
    }
  else if (state == FL_RUN_ROLLING_BACK && !run->json)
    {
      printf ("\n");
      print_line ("", _("Giving the lab back: starting stopped DCs, plugging cables, waiting until "
                        "every DC answers…"));
      fflush (stdout);
    }
}

static gboolean
on_interrupt (gpointer user_data)
{
  Run *run = user_data;

  /* the first Ctrl+C aborts the run and gives the lab back; a second one leaves at once */
  if (run->interrupts++ > 0)
    exit (FL_EXIT_PROBLEM);
  if (!run->json)
    print_line ("\n", _("Aborting: the rollback gives the lab back (Ctrl+C again leaves at once)"));
  fl_exercise_runner_abort (run->runner);
  return G_SOURCE_CONTINUE;
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static void
print_summary (FlExerciseRunner *runner,
               FlGrade           outcome)
{
  FlGrader *grader = fl_exercise_runner_get_grader (runner);
  FlExercise *exercise = fl_exercise_runner_get_exercise (runner);
  GPtrArray *errors = fl_exercise_runner_get_rollback_errors (runner);
  const char *word = outcome == FL_GRADE_PASSED ? _("PASSED")
                     : outcome == FL_GRADE_ABORTED ? _("ABORTED") : _("FAILED");
  g_autofree char *head = g_strdup_printf ("%s: %s", fl_exercise_get_title (exercise), word);

  printf ("\n");
  print_line ("", head);
  for (guint i = 0; i < fl_exercise_get_n_steps (exercise); i++)
    {
      const FlStepResult *r = fl_grader_get_step_result (grader, i);
      g_autoptr(GString) line = g_string_new (NULL);

      if (r->detection_us < 0 && r->switchover_us[FL_VIEW_LOCATOR] < 0 &&
          r->switchover_us[FL_VIEW_KERBEROS] < 0)
        continue;
      g_string_append_printf (line, "%u. %s:", i + 1, fl_exercise_get_step (exercise, i)->title);
      if (r->detection_us >= 0)
        g_string_append_printf (line, _(" detected after %.1f s;"), r->detection_us / 1e6);
      if (r->switchover_us[FL_VIEW_LOCATOR] >= 0)
        g_string_append_printf (line, _(" DC locator → %s in %.1f s;"),
                                r->switched_to[FL_VIEW_LOCATOR], r->switchover_us[FL_VIEW_LOCATOR] / 1e6);
      if (r->switchover_us[FL_VIEW_KERBEROS] >= 0)
        g_string_append_printf (line, _(" KDC → %s in %.1f s;"),
                                r->switched_to[FL_VIEW_KERBEROS], r->switchover_us[FL_VIEW_KERBEROS] / 1e6);
      if (line->str[line->len - 1] == ';')
        g_string_truncate (line, line->len - 1);
      print_line ("  ", line->str);
    }
  for (guint i = 0; i < errors->len; i++)
    {
      /* TRANSLATORS: what the rollback could not do */
      g_autofree char *line = g_strdup_printf (_("Rollback: %s"), (char *)errors->pdata[i]);

      print_line ("  ", line);
    }
}

static int
cmd_run (FlCliOptions    *op,
         const char      *which,
         FlCliActOptions *act,
         gboolean         auto_confirm,
         const char      *record_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlExercise) exercise = load (which, &error);
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(FlProbeConfig) config = NULL;
  g_auto(FlHypervisorOwned) hv = NULL;
  g_autoptr(FlLabSession) session = NULL;
  g_autoptr(FlExerciseRunner) runner = NULL;
  g_autoptr(FlRecorder) recorder = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Run run = { NULL };
  FlGrade outcome;
  guint sigint, sigterm;
  int rc;

  if (exercise == NULL)
    return fl_cli_fail ("%s", error->message);
  lab = fl_cli_load_lab (op, &error);
  if (lab == NULL)
    return fl_cli_fail ("%s", error->message);
  config = fl_cli_probe_config (op, lab, &error);
  if (config == NULL)
    return fl_cli_fail ("%s", error->message);
  /* the hypervisor, when the lab names one: a run without it can only observe */
  if (fl_lab_get_hypervisor_kind (lab) != FL_HYPERVISOR_NONE)
    {
      guint vmid = 0;
      gboolean connected;

      for (guint i = 0; i < fl_lab_get_n_controllers (lab) && vmid == 0; i++)
        fl_lab_controller_get_vm (fl_lab_get_controller (lab, i), NULL, &vmid);
      hv = fl_cli_open_hypervisor (lab, act->secret_file, act->accept_key, vmid, op->json, &connected,
                                   &error);
      if (hv == NULL)
        return fl_cli_fail_with (connected ? FL_EXIT_PROBLEM : FL_EXIT_USAGE, "%s", error->message);
    }

  if (!fl_exercise_check_lab (exercise, lab, hv != NULL, &error))
    return fl_cli_fail ("%s", error->message);

  session = fl_lab_session_new (lab, config, hv, 64);
  fl_lab_session_set_restart_guard (session, act->guard_min > 0 ? (guint)act->guard_min : 0);
  runner = fl_exercise_runner_new (session, exercise);
  fl_exercise_runner_set_confirmed (runner, act->yes ? FL_INTERLOCK_CONFIRMABLE : 0);
  fl_exercise_runner_set_auto_confirm (runner, auto_confirm);
  if (record_path != NULL)
    {
      recorder = fl_recorder_new_for_file (fl_lab_session_get_timeline (session), lab, record_path,
                                           &error);
      if (recorder == NULL)
        return fl_cli_fail (_("--record: %s"), error->message);
      fl_exercise_runner_set_recorder (runner, recorder);
    }

  loop = g_main_loop_new (NULL, FALSE);
  run.runner = runner;
  run.loop = loop;
  run.json = op->json;
  run.shown_step = -1;
  run.shown = g_array_new (FALSE, TRUE, sizeof (FlGrade));
  g_signal_connect (fl_exercise_runner_get_grader (runner), "changed", G_CALLBACK (on_grader_changed), &run);
  g_signal_connect (runner, "notify::state", G_CALLBACK (on_state), &run);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &run);
  sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &run);

  if (!op->json)
    {
      /* TRANSLATORS: "Planned failover on classroom (test.local): waiting for every DC to answer…" */
      g_autofree char *line = g_strdup_printf (_("%s on %s (%s): waiting for every DC to answer…"),
                                               fl_exercise_get_title (exercise), fl_lab_get_name (lab),
                                               fl_lab_get_domain (lab));

      print_line ("", line);
      fflush (stdout);
    }
  fl_lab_session_start (session);
  fl_exercise_runner_run_async (runner, NULL, on_run_done, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (run.stdin_watch != 0)
    g_source_remove (run.stdin_watch);
  g_signal_handlers_disconnect_by_data (fl_exercise_runner_get_grader (runner), &run);
  g_signal_handlers_disconnect_by_data (runner, &run);

  outcome = fl_exercise_runner_run_finish (runner, run.result, &error);
  g_clear_object (&run.result);
  g_array_unref (run.shown);
  fl_lab_session_stop (session);
  if (recorder != NULL)
    {
      g_autoptr(GError) record_error = NULL;

      if (!fl_recorder_close (recorder, &record_error))
        {
          g_autofree char *safe = fl_cli_safe (record_error->message);

          fprintf (stderr, "failoverctl: %s\n", safe);
        }
    }

  if (outcome == FL_GRADE_PENDING)
    {
      gboolean refused = g_error_matches (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_REFUSED);

      if (op->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "exercise");
          json_builder_add_string_value (b, fl_exercise_get_id (exercise));
          json_builder_set_member_name (b, "outcome");
          json_builder_add_string_value (b, "refused");
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, error->message);
          json_builder_end_object (b);
          root = json_builder_get_root (b);
          fl_cli_print_json (root, TRUE);
        }
      if (refused)
        {
          g_printerr (_("failoverctl: refused: %s\n"), error->message);
          g_printerr (_("Run again with --yes to do it anyway.\n"));
          return FL_EXIT_INTERLOCK;
        }
      return fl_cli_fail_with (FL_EXIT_PROBLEM, _("not started: %s"), error->message);
    }

  if (op->json)
    {
      g_autoptr(JsonNode) root = fl_grader_to_json (fl_exercise_runner_get_grader (runner));
      JsonObject *o = json_node_get_object (root);
      GPtrArray *errors = fl_exercise_runner_get_rollback_errors (runner);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < errors->len; i++)
        json_array_add_string_element (array, errors->pdata[i]);
      json_object_set_array_member (o, "rollback_errors", array);
      fl_cli_print_json (root, TRUE);
    }
  else
    print_summary (runner, outcome);

  rc = outcome == FL_GRADE_PASSED ? FL_EXIT_OK : FL_EXIT_PROBLEM;
  if (outcome != FL_GRADE_PASSED && fl_exercise_runner_get_interlocked (runner))
    rc = FL_EXIT_INTERLOCK;
  return rc;
}

int
fl_cli_exercise (int    argc,
                 char **argv)
{
  FlCliOptions o = { 0 };
  int rc = exercise_main (&o, argc, argv);

  fl_cli_options_clear (&o);
  return rc;
}

static int
exercise_main (FlCliOptions  *op,
               int            argc,
               char         **argv)
{
  g_auto(FlCliActOptions) act = { 0 };
  gboolean auto_confirm = FALSE;
  g_autofree char *record_path = NULL;
  g_autoptr(GOptionContext) ctx =
    g_option_context_new (_("list | show ID|FILE | validate FILE… | run ID|FILE — the guided exercises"));
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &op->json, N_("Print JSON"), NULL },
    { "auto-confirm", 0, 0, G_OPTION_ARG_NONE, &auto_confirm,
      N_("run: steps done by hand count as done at once"), NULL },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &record_path,
      N_("run: record the session and the exercise to FILE (JSON Lines; a new file)"), N_("FILE") },
    { NULL }
  };
  gboolean json;

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  fl_cli_add_act_options (ctx, &act);
  g_option_context_add_group (ctx, fl_cli_lab_options (op));
  g_option_context_set_summary (ctx, _("list: the built-in exercises, one per line (id, title).\n"
                                       "show: an exercise's steps, expectations and rollback.\n"
                                       "validate: check exercise files; each error names its "
                                       "JSON path.\n"
                                       "run: run one on the lab and grade it. Exit status: 0 "
                                       "passed, 1 failed or aborted, 2 usage or invalid file, "
                                       "4 refused by an interlock."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail_with (FL_EXIT_USAGE, "%s", error->message);
  json = op->json;
  if (argc < 2)
    return fl_cli_fail_with (FL_EXIT_USAGE, "%s",
                             _("say what to do: exercise list, exercise show ID|FILE, exercise "
                               "validate FILE… or exercise run ID|FILE --lab LAB"));

  if (g_str_equal (argv[1], "run") && argc == 3)
    return cmd_run (op, argv[2], &act, auto_confirm, record_path);

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
          fl_cli_print_json (root, TRUE);
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
                                            "validate FILE…, run ID|FILE)"), argv[1]);
}

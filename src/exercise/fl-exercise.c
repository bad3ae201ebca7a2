/* fl-exercise.c: exercise files ("format": 1) to an FlExercise. Strict like the lab loader:
 * unknown keys are refused (with the likely meant one), sizes, counts, texts and nesting are
 * bounded, every error names the JSON path at fault. The built-in exercises are compiled in
 * (GResource), so they run from the build tree and from an install alike.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-exercise"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-exercise-enums.h"
#include "fl-exercise.h"
#include "fl-exercise-resources.h"
#include "fl-json-util.h"
#include "fl-lab-enums.h"
#include "fl-probe-enums.h"

#define BUILTIN_PATH "/io/github/failoverlab/exercises"
#define MAX_NESTING 32

G_DEFINE_QUARK (fl-exercise-error-quark, fl_exercise_error)

struct _FlExercise
{
  GObject parent_instance;

  char           *id;
  char           *title;
  char           *description;
  FlExerciseLevel level;
  guint           minutes;
  guint           min_dcs;
  gboolean        total_outage;
  char           *file;
  guint           roles_used;      /* 1 << FlRole */
  GPtrArray      *preconditions;   /* FlExpectation */
  GPtrArray      *steps;           /* FlExerciseStep */
  GPtrArray      *rollback;        /* FlStepAction */
};

G_DEFINE_FINAL_TYPE (FlExercise, fl_exercise, G_TYPE_OBJECT)

static const char * const top_keys[] = {
  "format", "id", "title", "description", "level", "minutes", "needs", "preconditions", "steps",
  "rollback", NULL
};
static const char * const needs_keys[] = { "dcs", "total_outage", NULL };
static const char * const step_keys[] = { "title", "action", "explanation", "expect", NULL };
static const char * const action_keys[] = { "vm", "on", "snapshot", "wait", "instruct", "mark", "client", NULL };
static const char * const expect_keys[] = { "that", "within", "for", "text", "hint", NULL };
static const char * const check_keys_[] = { "check", "on", "is", "code", NULL };
static const char * const view_keys[] = { "view", "is", "is_not", NULL };
static const char * const switchover_keys[] = { "switchover", "under", NULL };
static const char * const heads[] = {
  "check", "view", "answers", "no_dc_answers", "switchover", "all", "any", "not", NULL
};

/* ------------------------------------------------------------------------------------------ */
/* the model's memory */

static void
predicate_free (FlPredicate *p)
{
  if (p == NULL)
    return;
  g_free (p->code);
  g_clear_pointer (&p->operands, g_ptr_array_unref);
  g_free (p);
}

static void
expectation_free (FlExpectation *e)
{
  predicate_free (e->that);
  g_free (e->text);
  g_free (e->hint);
  g_free (e);
}

static void
action_clear (FlStepAction *a)
{
  g_clear_pointer (&a->snapshot, g_free);
  g_clear_pointer (&a->text, g_free);
}

static void
action_free (FlStepAction *a)
{
  action_clear (a);
  g_free (a);
}

static void
step_free (FlExerciseStep *s)
{
  g_free (s->title);
  g_free (s->explanation);
  action_clear (&s->action);
  g_clear_pointer (&s->expectations, g_ptr_array_unref);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlPredicate, predicate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlExpectation, expectation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlExerciseStep, step_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlStepAction, action_free)

static void
fl_exercise_finalize (GObject *object)
{
  FlExercise *self = FL_EXERCISE (object);

  g_free (self->id);
  g_free (self->title);
  g_free (self->description);
  g_free (self->file);
  g_ptr_array_unref (self->preconditions);
  g_ptr_array_unref (self->steps);
  g_ptr_array_unref (self->rollback);

  G_OBJECT_CLASS (fl_exercise_parent_class)->finalize (object);
}

static void
fl_exercise_class_init (FlExerciseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_exercise_finalize;
}

static void
fl_exercise_init (FlExercise *self)
{
  self->preconditions = g_ptr_array_new_with_free_func ((GDestroyNotify)expectation_free);
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify)step_free);
  self->rollback = g_ptr_array_new_with_free_func ((GDestroyNotify)action_free);
  self->level = FL_EXERCISE_LEVEL_BEGINNER;
}

/* ------------------------------------------------------------------------------------------ */
/* reading typed members; each error names its path */

static void
set_type_error (GError     **error,
                const char  *where,
                const char  *expected,
                JsonNode    *node)
{
  fl_json_set_type_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_TYPE, where, expected, node);
}

static gboolean
check_keys (JsonObject         *object,
            const char         *path,
            const char * const *known,
            GError            **error)
{
  return fl_json_check_keys (object, path, known, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_UNKNOWN_KEY,
                             error);
}

static gboolean
missing (GError    **error,
         const char *where)
{
  g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_MISSING,
               _("%s: required field is missing"), where);
  return FALSE;
}

static gboolean
get_value (JsonObject  *object,
           const char  *where,
           const char  *key,
           gboolean     required,
           GType        type,
           const char  *type_text,
           JsonNode   **node,
           GError     **error)
{
  const FlJsonErrors errors = { FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_MISSING, FL_EXERCISE_ERROR_TYPE };

  return fl_json_get_value (object, where, key, required, type, type_text, &errors, node, error);
}

/* a string: bounded, never empty; a text written for people (@translate) is translated when
 * it is a built-in exercise's (the msgids come from data/exercises through po/), a name (id,
 * code, snapshot) never is */
static gboolean
get_string_full (JsonObject  *object,
                 const char  *path,
                 const char  *key,
                 gboolean     required,
                 gboolean     translate,
                 char       **out,
                 GError     **error)
{
  g_autofree char *where = fl_json_path_join (path, key);
  JsonNode *node = NULL;
  const char *value;

  if (!get_value (object, where, key, required, G_TYPE_STRING, _("a string"), &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  value = json_node_get_string (node);
  if (*value == '\0')
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE, _("%s: must not be empty"),
                   where);
      return FALSE;
    }
  if (g_utf8_strlen (value, -1) > FL_EXERCISE_MAX_TEXT)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: too long (at most %d characters)"), where, FL_EXERCISE_MAX_TEXT);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (translate ? g_dgettext (GETTEXT_PACKAGE, value) : value);
  return TRUE;
}

static gboolean
get_text (JsonObject  *object,
          const char  *path,
          const char  *key,
          gboolean     required,
          char       **out,
          GError     **error)
{
  return get_string_full (object, path, key, required, TRUE, out, error);
}

static gboolean
get_name (JsonObject  *object,
          const char  *path,
          const char  *key,
          gboolean     required,
          char       **out,
          GError     **error)
{
  return get_string_full (object, path, key, required, FALSE, out, error);
}

/* a whole number of seconds or a fraction of one (0.5), in [min, max] s, as µs */
static gboolean
get_seconds (JsonObject *object,
             const char *path,
             const char *key,
             double      min,
             gint64     *out,
             GError    **error)
{
  g_autofree char *where = fl_json_path_join (path, key);
  JsonNode *node = json_object_get_member (object, key);
  double value;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    {
      set_type_error (error, where, _("a number of seconds"), node);
      return FALSE;
    }
  value = json_node_get_value_type (node) == G_TYPE_INT64 ? (double)json_node_get_int (node)
                                                          : json_node_get_double (node);
  if (!(value >= min && value <= FL_EXERCISE_MAX_SECONDS))
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: %g s is out of range (%g to %d s)"), where, value, min,
                   FL_EXERCISE_MAX_SECONDS);
      return FALSE;
    }
  *out = (gint64)(value * G_USEC_PER_SEC);
  return TRUE;
}

static gboolean
get_uint (JsonObject *object,
          const char *path,
          const char *key,
          gboolean    required,
          gint64      min,
          gint64      max,
          guint      *out,
          GError    **error)
{
  g_autofree char *where = fl_json_path_join (path, key);
  JsonNode *node = NULL;
  gint64 value;

  if (!get_value (object, where, key, required, G_TYPE_INT64, _("an integer"), &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: %lld is out of range (%lld to %lld)"), where, (long long)value,
                   (long long)min, (long long)max);
      return FALSE;
    }
  *out = (guint)value;
  return TRUE;
}

/* a word of a vocabulary (an enum's nicks); @dollar: written "$word" (roles) */
static gboolean
get_word_node (JsonNode   *node,
               const char *where,
               GType       type,
               gboolean    dollar,
               int        *out,
               GError    **error)
{
  const char *text;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      set_type_error (error, where, _("a string"), node);
      return FALSE;
    }
  text = json_node_get_string (node);
  if ((!dollar || text[0] == '$') && fl_enum_from_nick (type, dollar ? text + 1 : text, out))
    return TRUE;

  {
    g_autoptr(GEnumClass) klass = g_type_class_ref (type);
    g_autoptr(GString) words = g_string_new (NULL);
    g_autofree char *shown = g_utf8_make_valid (text, MIN (strlen (text), 64));

    for (guint i = 0; i < klass->n_values; i++)
      g_string_append_printf (words, "%s%s%s", i ? ", " : "", dollar ? "$" : "",
                              klass->values[i].value_nick);
    /* TRANSLATORS: "steps[0].action.on: unknown value "$server" (one of: $serving, $other, …)" */
    g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                 _("%s: unknown value \"%s\" (one of: %s)"), where, shown, words->str);
    return FALSE;
  }
}

static gboolean
get_word (JsonObject *object,
          const char *path,
          const char *key,
          gboolean    required,
          GType       type,
          gboolean    dollar,
          int        *out,
          GError    **error)
{
  g_autofree char *where = fl_json_path_join (path, key);
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return required ? missing (error, where) : TRUE;
  return get_word_node (node, where, type, dollar, out, error);
}

/* *out stays NULL when the member is absent */
static gboolean
get_array (JsonObject  *object,
           const char  *path,
           const char  *key,
           guint        max,
           JsonArray  **out,
           GError     **error)
{
  g_autofree char *where = fl_json_path_join (path, key);
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_type_error (error, where, _("an array"), node);
      return FALSE;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) > max)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: too many entries (at most %u)"), where, max);
      return FALSE;
    }
  *out = array;
  return TRUE;
}

static JsonObject *
element_object (JsonArray  *array,
                guint       i,
                const char *where,
                GError    **error)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_type_error (error, where, _("an object"), node);
      return NULL;
    }
  return json_node_get_object (node);
}

/* ------------------------------------------------------------------------------------------ */
/* predicates */

static gboolean
check_is_per_dc (FlCheckKind kind)
{
  return kind < FL_N_DC_CHECKS;
}

static FlPredicate *load_predicate (FlExercise *self,
                                    JsonNode   *node,
                                    const char *where,
                                    guint       depth,
                                    GError    **error);

static gboolean
load_statuses (JsonNode    *node,
               const char  *where,
               guint       *out,
               GError     **error)
{
  int status;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      if (n == 0 || n > FL_STATUS_SKIPPED)
        {
          g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                       _("%s: give one status or a list of 1 to %d statuses"), where,
                       FL_STATUS_SKIPPED);
          return FALSE;
        }
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *at = g_strdup_printf ("%s[%u]", where, i);

          if (!get_word_node (json_array_get_element (array, i), at, FL_TYPE_STATUS, FALSE,
                              &status, error))
            return FALSE;
          *out |= 1u << status;
        }
    }
  else
    {
      if (!get_word_node (node, where, FL_TYPE_STATUS, FALSE, &status, error))
        return FALSE;
      *out |= 1u << status;
    }

  /* "skipped" is no news, never a state to expect */
  if (*out & (1u << FL_STATUS_SKIPPED))
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: \"skipped\" means no news this round, so it cannot be expected"), where);
      return FALSE;
    }
  return TRUE;
}

static gboolean
use_role (FlExercise *self,
          FlRole      role)
{
  self->roles_used |= 1u << role;
  return TRUE;
}

/* a condition looks at DCs; the client is only acted on */
static gboolean
dc_role (FlRole      role,
         const char *where,
         GError    **error)
{
  if (role != FL_ROLE_CLIENT)
    return TRUE;
  g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
               _("%s: $client is not a domain controller: conditions look at DCs"), where);
  return FALSE;
}

static FlPredicate *
load_predicate (FlExercise *self,
                JsonNode   *node,
                const char *where,
                guint       depth,
                GError    **error)
{
  g_autoptr(FlPredicate) p = g_new0 (FlPredicate, 1);
  JsonObject *object;
  const char *head = NULL;
  int value;

  if (depth >= FL_EXERCISE_MAX_DEPTH)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: conditions nested deeper than %d levels"), where, FL_EXERCISE_MAX_DEPTH);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_type_error (error, where, _("an object"), node);
      return NULL;
    }
  object = json_node_get_object (node);

  /* exactly one head names what kind of condition this is */
  for (guint i = 0; heads[i]; i++)
    if (json_object_has_member (object, heads[i]))
      {
        if (head != NULL)
          {
            g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                         _("%s: one condition per object: \"%s\" and \"%s\" together (combine "
                           "them with \"all\" or \"any\")"), where, head, heads[i]);
            return NULL;
          }
        head = heads[i];
      }
  if (head == NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **)heads);

      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: not a condition (a condition has one of: %s)"), where, list);
      return NULL;
    }
  fl_enum_from_nick (FL_TYPE_PREDICATE_KIND, head, &value);
  p->kind = value;

  switch (p->kind)
    {
    case FL_PREDICATE_CHECK:
      {
        g_autofree char *is_where = fl_json_path_join (where, "is");
        JsonNode *is;

        if (!check_keys (object, where, check_keys_, error) ||
            !get_word (object, where, "check", TRUE, FL_TYPE_CHECK_KIND, FALSE, &value, error))
          return NULL;
        p->check = value;
        if (check_is_per_dc (p->check))
          {
            if (!get_word (object, where, "on", TRUE, FL_TYPE_ROLE, TRUE, &value, error) ||
                !dc_role (value, where, error))
              return NULL;
            p->role = value;
            use_role (self, p->role);
          }
        else if (json_object_has_member (object, "on"))
          {
            g_autofree char *on = fl_json_path_join (where, "on");

            g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                         _("%s: the %s check is domain-wide, it is not asked of one DC"), on,
                         fl_check_kind_to_string (p->check));
            return NULL;
          }
        is = json_object_get_member (object, "is");
        if (is == NULL)
          return missing (error, is_where), NULL;
        if (!load_statuses (is, is_where, &p->statuses, error) ||
            !get_name (object, where, "code", FALSE, &p->code, error))
          return NULL;
        break;
      }

    case FL_PREDICATE_VIEW:
      {
        gboolean has_is = json_object_has_member (object, "is");
        gboolean has_not = json_object_has_member (object, "is_not");
        const char *key = has_not ? "is_not" : "is";
        g_autofree char *key_where = fl_json_path_join (where, key);
        JsonNode *target;

        if (!check_keys (object, where, view_keys, error) ||
            !get_word (object, where, "view", TRUE, FL_TYPE_VIEW, FALSE, &value, error))
          return NULL;
        p->view = value;
        if (has_is == has_not)
          {
            g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                         _("%s: give either \"is\" or \"is_not\""), where);
            return NULL;
          }
        p->is_not = has_not;
        target = json_object_get_member (object, key);
        if (!p->is_not && JSON_NODE_HOLDS_VALUE (target) &&
            json_node_get_value_type (target) == G_TYPE_STRING &&
            g_str_equal (json_node_get_string (target), "none"))
          p->none = TRUE;
        else
          {
            if (!get_word_node (target, key_where, FL_TYPE_ROLE, TRUE, &value, error) ||
                !dc_role (value, key_where, error))
              return NULL;
            p->role = value;
            if (p->role == FL_ROLE_ALL)
              {
                g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                             _("%s: a view is served by one DC, not by $all"), key_where);
                return NULL;
              }
            use_role (self, p->role);
          }
        break;
      }

    case FL_PREDICATE_ANSWERS:
      {
        if (json_object_get_size (object) != 1)
          return check_keys (object, where, (const char * const[]){ "answers", NULL }, error), NULL;
        if (!get_word (object, where, "answers", TRUE, FL_TYPE_ROLE, TRUE, &value, error) ||
            !dc_role (value, where, error))
          return NULL;
        p->role = value;
        use_role (self, p->role);
        break;
      }

    case FL_PREDICATE_NO_DC_ANSWERS:
      {
        JsonNode *flag = json_object_get_member (object, "no_dc_answers");
        g_autofree char *flag_where = fl_json_path_join (where, "no_dc_answers");

        if (json_object_get_size (object) != 1)
          return check_keys (object, where, (const char * const[]){ "no_dc_answers", NULL }, error), NULL;
        if (!JSON_NODE_HOLDS_VALUE (flag) || json_node_get_value_type (flag) != G_TYPE_BOOLEAN ||
            !json_node_get_boolean (flag))
          {
            g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                         _("%s: write true (to expect that some DC answers, use \"not\")"),
                         flag_where);
            return NULL;
          }
        break;
      }

    case FL_PREDICATE_SWITCHOVER:
      {
        g_autofree char *under_where = fl_json_path_join (where, "under");

        if (!check_keys (object, where, switchover_keys, error) ||
            !get_word (object, where, "switchover", TRUE, FL_TYPE_VIEW, FALSE, &value, error))
          return NULL;
        p->view = value;
        p->under_us = -1;
        if (!get_seconds (object, where, "under", 0.1, &p->under_us, error))
          return NULL;
        if (p->under_us < 0)
          return missing (error, under_where), NULL;
        break;
      }

    case FL_PREDICATE_ALL:
    case FL_PREDICATE_ANY:
    case FL_PREDICATE_NOT:
      {
        JsonNode *inner = json_object_get_member (object, head);

        if (json_object_get_size (object) != 1)
          {
            const char * const only[] = { head, NULL };

            return check_keys (object, where, only, error), NULL;
          }
        p->operands = g_ptr_array_new_with_free_func ((GDestroyNotify)predicate_free);
        if (p->kind == FL_PREDICATE_NOT)
          {
            g_autofree char *at = fl_json_path_join (where, head);
            FlPredicate *operand = load_predicate (self, inner, at, depth + 1, error);

            if (operand == NULL)
              return NULL;
            g_ptr_array_add (p->operands, operand);
          }
        else
          {
            JsonArray *array = NULL;

            if (!get_array (object, where, head, FL_EXERCISE_MAX_OPERANDS, &array, error))
              return NULL;
            if (json_array_get_length (array) == 0)
              {
                g_autofree char *at = fl_json_path_join (where, head);

                g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                             _("%s: an empty list of conditions"), at);
                return NULL;
              }
            for (guint i = 0; i < json_array_get_length (array); i++)
              {
                g_autofree char *at = g_strdup_printf ("%s.%s[%u]", where, head, i);
                FlPredicate *operand =
                  load_predicate (self, json_array_get_element (array, i), at, depth + 1, error);

                if (operand == NULL)
                  return NULL;
                g_ptr_array_add (p->operands, operand);
              }
          }
        break;
      }

    default:
      g_assert_not_reached ();
    }

  return g_steal_pointer (&p);
}

static FlExpectation *
load_expectation (FlExercise *self,
                  JsonObject *object,
                  const char *where,
                  gboolean    timed,
                  GError    **error)
{
  g_autoptr(FlExpectation) e = g_new0 (FlExpectation, 1);
  g_autofree char *that_where = fl_json_path_join (where, "that");
  JsonNode *that;

  if (!check_keys (object, where, timed ? expect_keys : (const char * const[]){ "that", "text", NULL },
                   error))
    return NULL;
  that = json_object_get_member (object, "that");
  if (that == NULL)
    return missing (error, that_where), NULL;
  e->that = load_predicate (self, that, that_where, 0, error);
  if (e->that == NULL ||
      !get_seconds (object, where, "within", 0, &e->within_us, error) ||
      !get_seconds (object, where, "for", 0.1, &e->for_us, error) ||
      !get_text (object, where, "text", FALSE, &e->text, error) ||
      !get_text (object, where, "hint", FALSE, &e->hint, error))
    return NULL;
  return g_steal_pointer (&e);
}

static gboolean
load_action (FlExercise   *self,
             JsonObject   *object,
             const char   *where,
             gboolean      rollback,
             FlStepAction *a,
             GError      **error)
{
  static const char * const kinds[] = { "vm", "wait", "instruct", "mark", "client", NULL };
  const char *kind = NULL;
  int value;

  if (!check_keys (object, where, action_keys, error))
    return FALSE;
  for (guint i = 0; kinds[i]; i++)
    if (json_object_has_member (object, kinds[i]))
      {
        if (kind != NULL)
          {
            g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                         _("%s: one action per step: \"%s\" and \"%s\" together"), where, kind,
                         kinds[i]);
            return FALSE;
          }
        kind = kinds[i];
      }
  if (kind == NULL)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: not an action (an action has one of: vm, wait, instruct, mark, client)"), where);
      return FALSE;
    }
  if (rollback && !g_str_equal (kind, "vm"))
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: a rollback runs VM actions only"), where);
      return FALSE;
    }

  if (g_str_equal (kind, "vm"))
    {
      a->kind = FL_STEP_VM;
      if (!get_word (object, where, "vm", TRUE, FL_TYPE_LAB_ACTION, FALSE, &value, error))
        return FALSE;
      if (value >= FL_N_LAB_ACTIONS)
        {
          g_autofree char *at = fl_json_path_join (where, "vm");

          g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                       _("%s: not a VM action (start, shutdown, stop, reboot, unplug, plug, "
                         "rollback)"), at);
          return FALSE;
        }
      a->vm_action = value;
      if (!get_word (object, where, "on", TRUE, FL_TYPE_ROLE, TRUE, &value, error))
        return FALSE;
      a->target = value;
      use_role (self, a->target);
      /* a step's rollback without a snapshot goes to the VM's most recent one; the exercise's
       * own rollback names it */
      if (!get_name (object, where, "snapshot", rollback && a->vm_action == FL_LAB_ACTION_ROLLBACK, &a->snapshot, error))
        return FALSE;
      if (a->snapshot != NULL && a->vm_action != FL_LAB_ACTION_ROLLBACK)
        {
          g_autofree char *at = fl_json_path_join (where, "snapshot");

          g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                       _("%s: only a rollback names a snapshot"), at);
          return FALSE;
        }
    }
  else if (json_object_has_member (object, "on") || json_object_has_member (object, "snapshot"))
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("%s: \"on\" and \"snapshot\" belong to a VM action"), where);
      return FALSE;
    }
  else if (g_str_equal (kind, "client"))
    {
      a->kind = FL_STEP_CLIENT;
      if (!get_word (object, where, "client", TRUE, FL_TYPE_WIN_ACTION, FALSE, &value, error))
        return FALSE;
      if (value >= FL_WIN_N_ACTIONS)
        {
          g_autofree char *at = fl_json_path_join (where, "client");

          g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                       _("%s: not a command on the client (flushdns, klist-purge, sc-reset, gpupdate, "
                         "test-channel, test-sysvol)"), at);
          return FALSE;
        }
      a->client_action = value;
    }
  else if (g_str_equal (kind, "wait"))
    {
      a->kind = FL_STEP_WAIT;
      if (!get_uint (object, where, "wait", TRUE, 1, FL_EXERCISE_MAX_SECONDS, &a->seconds, error))
        return FALSE;
    }
  else
    {
      a->kind = g_str_equal (kind, "instruct") ? FL_STEP_INSTRUCT : FL_STEP_MARK;
      if (!get_text (object, where, kind, TRUE, &a->text, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_steps (FlExercise *self,
            JsonObject *root,
            GError    **error)
{
  JsonArray *array = NULL;

  if (!get_array (root, NULL, "steps", FL_EXERCISE_MAX_STEPS, &array, error))
    return FALSE;
  if (array == NULL)
    return missing (error, "steps");
  if (json_array_get_length (array) == 0)
    {
      g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                           _("steps: an exercise has at least one step"));
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("steps[%u]", i);
      g_autofree char *action_where = fl_json_path_join (where, "action");
      g_autoptr(FlExerciseStep) step = g_new0 (FlExerciseStep, 1);
      JsonObject *object = element_object (array, i, where, error);
      JsonNode *action;
      JsonArray *expect = NULL;

      if (object == NULL || !check_keys (object, where, step_keys, error) ||
          !get_text (object, where, "title", TRUE, &step->title, error) ||
          !get_text (object, where, "explanation", FALSE, &step->explanation, error))
        return FALSE;

      step->expectations = g_ptr_array_new_with_free_func ((GDestroyNotify)expectation_free);
      action = json_object_get_member (object, "action");
      if (action != NULL)
        {
          if (!JSON_NODE_HOLDS_OBJECT (action))
            {
              set_type_error (error, action_where, _("an object"), action);
              return FALSE;
            }
          if (!load_action (self, json_node_get_object (action), action_where, FALSE,
                            &step->action, error))
            return FALSE;
        }

      if (!get_array (object, where, "expect", FL_EXERCISE_MAX_EXPECT, &expect, error))
        return FALSE;
      for (guint j = 0; expect != NULL && j < json_array_get_length (expect); j++)
        {
          g_autofree char *at = g_strdup_printf ("%s.expect[%u]", where, j);
          JsonObject *e = element_object (expect, j, at, error);
          FlExpectation *expectation = e ? load_expectation (self, e, at, TRUE, error) : NULL;

          if (expectation == NULL)
            return FALSE;
          g_ptr_array_add (step->expectations, expectation);
        }

      if (step->action.kind == FL_STEP_NONE && step->expectations->len == 0)
        {
          g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                       _("%s: a step needs an action, expectations, or both"), where);
          return FALSE;
        }
      g_ptr_array_add (self->steps, g_steal_pointer (&step));
    }
  return TRUE;
}

static gboolean
load_document (FlExercise *self,
               JsonObject *root,
               GError    **error)
{
  JsonObject *needs = NULL;
  JsonNode *node;
  JsonArray *array = NULL;
  guint format = 0, dcs = 0;
  int level = FL_EXERCISE_LEVEL_BEGINNER;

  if (!get_uint (root, NULL, "format", TRUE, 0, G_MAXINT, &format, error))
    return FALSE;
  if (format != 1)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_FORMAT,
                   _("format: this version reads exercise files of format 1, not %u"), format);
      return FALSE;
    }
  if (!check_keys (root, NULL, top_keys, error) ||
      !get_name (root, NULL, "id", TRUE, &self->id, error) ||
      !get_text (root, NULL, "title", TRUE, &self->title, error) ||
      !get_text (root, NULL, "description", TRUE, &self->description, error) ||
      !get_word (root, NULL, "level", FALSE, FL_TYPE_EXERCISE_LEVEL, FALSE, &level, error) ||
      !get_uint (root, NULL, "minutes", TRUE, 1, 600, &self->minutes, error))
    return FALSE;
  self->level = level;

  /* the id names a file and a recording: a word of letters, digits and dashes */
  for (const char *p = self->id; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-') || p - self->id >= 64)
      {
        g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                             _("id: use up to 64 lower-case letters, digits and dashes"));
        return FALSE;
      }

  node = json_object_get_member (root, "needs");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          set_type_error (error, "needs", _("an object"), node);
          return FALSE;
        }
      needs = json_node_get_object (node);
      if (!check_keys (needs, "needs", needs_keys, error) ||
          !get_uint (needs, "needs", "dcs", FALSE, 1, FL_EXERCISE_MAX_DCS, &dcs, error))
        return FALSE;
      node = json_object_get_member (needs, "total_outage");
      if (node != NULL)
        {
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
            {
              set_type_error (error, "needs.total_outage", _("a boolean"), node);
              return FALSE;
            }
          self->total_outage = json_node_get_boolean (node);
        }
    }

  if (!get_array (root, NULL, "preconditions", FL_EXERCISE_MAX_EXPECT, &array, error))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *at = g_strdup_printf ("preconditions[%u]", i);
      JsonObject *e = element_object (array, i, at, error);
      FlExpectation *expectation = e ? load_expectation (self, e, at, FALSE, error) : NULL;

      if (expectation == NULL)
        return FALSE;
      g_ptr_array_add (self->preconditions, expectation);
    }

  if (!load_steps (self, root, error))
    return FALSE;

  if (!get_array (root, NULL, "rollback", FL_EXERCISE_MAX_STEPS, &array, error))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *at = g_strdup_printf ("rollback[%u]", i);
      g_autoptr(FlStepAction) a = g_new0 (FlStepAction, 1);
      JsonObject *object = element_object (array, i, at, error);

      if (object == NULL || !load_action (self, object, at, TRUE, a, error))
        return FALSE;
      g_ptr_array_add (self->rollback, g_steal_pointer (&a));
    }

  /* how many DCs: what the file says, and at least what its roles need */
  self->min_dcs = (self->roles_used & (1u << FL_ROLE_OTHER)) ? 2 : 1;
  if (dcs != 0 && dcs < self->min_dcs)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                   _("needs.dcs: %u is too few: the exercise names $other, so it needs at least 2"),
                   dcs);
      return FALSE;
    }
  self->min_dcs = MAX (self->min_dcs, dcs);
  return TRUE;
}

/**
 * fl_exercise_new_from_data:
 *
 * Returns: (transfer full) (nullable): the exercise, or %NULL with @error naming the JSON path
 */
FlExercise *
fl_exercise_new_from_data (const char  *data,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(FlExercise) self = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  gsize len;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = data == NULL ? 0 : length < 0 ? strlen (data) : (gsize)length;
  if (len == 0)
    {
      g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_SYNTAX,
                           _("not an exercise file: the file is empty"));
      return NULL;
    }
  if (len > FL_EXERCISE_MAX_FILE_SIZE)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_SYNTAX,
                   _("not an exercise file: larger than %d KiB"), FL_EXERCISE_MAX_FILE_SIZE / 1024);
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_SYNTAX,
                           _("not an exercise file: the text is not valid UTF-8"));
      return NULL;
    }
  if (fl_json_max_nesting (data, len) > MAX_NESTING)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_SYNTAX,
                   _("not an exercise file: JSON nested deeper than %d levels"), MAX_NESTING);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize)len, &local_error))
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_SYNTAX, _("not valid JSON: %s"),
                   local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_SYNTAX,
                           _("not an exercise file: the top level is not a JSON object"));
      return NULL;
    }

  self = g_object_new (FL_TYPE_EXERCISE, NULL);
  if (!load_document (self, json_node_get_object (root), error))
    return NULL;
  return g_steal_pointer (&self);
}

FlExercise *
fl_exercise_new_from_file (const char  *path,
                           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(FlExercise) self = NULL;
  g_autoptr(GFile) file = g_str_has_prefix (path, "resource://") ? g_file_new_for_uri (path)
                                                                  : g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  gsize len = 0;

  /* refuse a huge file before reading it */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_IO,
                   _("%s: not a regular file"), path);
      return NULL;
    }
  if (info == NULL ||
      (g_file_info_get_size (info) <= FL_EXERCISE_MAX_FILE_SIZE &&
       !g_file_load_contents (file, NULL, &contents, &len, NULL, &local_error)))
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  if (contents == NULL)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_SYNTAX,
                   _("%s: not an exercise file: larger than %d KiB"), path,
                   FL_EXERCISE_MAX_FILE_SIZE / 1024);
      return NULL;
    }

  self = fl_exercise_new_from_data (contents, (gssize)len, &local_error);
  if (self == NULL)
    {
      g_set_error (error, FL_EXERCISE_ERROR, local_error->code, "%s: %s", path,
                   local_error->message);
      return NULL;
    }
  self->file = g_strdup (path);
  return g_steal_pointer (&self);
}

static int
compare_by_file (gconstpointer a,
                 gconstpointer b)
{
  FlExercise *x = *(FlExercise **)a, *y = *(FlExercise **)b;

  return g_strcmp0 (x->file, y->file);
}

/**
 * fl_exercise_list_builtin:
 *
 * Returns: (transfer full) (element-type FlExercise): the built-in exercises, in their files'
 *   order (the files are numbered: 10-planned-failover.json, …)
 */
GPtrArray *
fl_exercise_list_builtin (GError **error)
{
  static gsize registered = 0;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) names = NULL;

  if (g_once_init_enter (&registered))
    {
      fl_exercises_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  names = g_resources_enumerate_children (BUILTIN_PATH, 0, error);
  if (names == NULL)
    return NULL;
  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *uri = NULL;
      FlExercise *exercise;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;
      uri = g_strdup_printf ("resource://" BUILTIN_PATH "/%s", names[i]);
      exercise = fl_exercise_new_from_file (uri, error);
      if (exercise == NULL)
        return NULL;
      g_ptr_array_add (list, exercise);
    }
  g_ptr_array_sort (list, compare_by_file);
  return g_steal_pointer (&list);
}

/**
 * fl_exercise_lookup_builtin:
 *
 * Returns: (transfer full) (nullable): the built-in exercise @id
 */
FlExercise *
fl_exercise_lookup_builtin (const char  *id,
                            GError     **error)
{
  g_autoptr(GPtrArray) list = fl_exercise_list_builtin (error);

  if (list == NULL)
    return NULL;
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (fl_exercise_get_id (list->pdata[i]), id))
      return g_object_ref (list->pdata[i]);

  {
    g_autoptr(GString) ids = g_string_new (NULL);

    for (guint i = 0; i < list->len; i++)
      g_string_append_printf (ids, "%s%s", i ? ", " : "", fl_exercise_get_id (list->pdata[i]));
    g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_NOT_FOUND,
                 _("no built-in exercise is called \"%s\" (there are: %s)"), id, ids->str);
  }
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* getters */

const char *
fl_exercise_get_id (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), NULL);
  return self->id;
}

const char *
fl_exercise_get_title (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), NULL);
  return self->title;
}

const char *
fl_exercise_get_description (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), NULL);
  return self->description;
}

FlExerciseLevel
fl_exercise_get_level (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), FL_EXERCISE_LEVEL_BEGINNER);
  return self->level;
}

guint
fl_exercise_get_minutes (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), 0);
  return self->minutes;
}

guint
fl_exercise_get_min_dcs (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), 1);
  return self->min_dcs;
}

gboolean
fl_exercise_get_total_outage (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), FALSE);
  return self->total_outage;
}

const char *
fl_exercise_get_file (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), NULL);
  return self->file;
}

guint
fl_exercise_get_roles_used (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), 0);
  return self->roles_used;
}

GPtrArray *
fl_exercise_get_preconditions (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), NULL);
  return self->preconditions;
}

guint
fl_exercise_get_n_steps (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), 0);
  return self->steps->len;
}

FlExerciseStep *
fl_exercise_get_step (FlExercise *self,
                      guint       index)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return self->steps->pdata[index];
}

GPtrArray *
fl_exercise_get_rollback (FlExercise *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), NULL);
  return self->rollback;
}

const char *
fl_exercise_level_to_label (FlExerciseLevel level)
{
  switch (level)
    {
    case FL_EXERCISE_LEVEL_BEGINNER:
      return C_("exercise level", "Beginner");
    case FL_EXERCISE_LEVEL_INTERMEDIATE:
      return C_("exercise level", "Intermediate");
    case FL_EXERCISE_LEVEL_ADVANCED:
      return C_("exercise level", "Advanced");
    default:
      return "";
    }
}

/**
 * fl_exercise_uses_step_kind:
 *
 * Returns: whether a step of the exercise has an action of @kind
 */
gboolean
fl_exercise_uses_step_kind (FlExercise *self,
                            FlStepKind  kind)
{
  g_return_val_if_fail (FL_IS_EXERCISE (self), FALSE);
  for (guint i = 0; i < fl_exercise_get_n_steps (self); i++)
    if (fl_exercise_get_step (self, i)->action.kind == kind)
      return TRUE;
  return FALSE;
}

/**
 * fl_exercise_check_lab:
 * @hypervisor: whether the lab's hypervisor is connected
 *
 * Whether the exercise can run on @lab: its VM steps need the hypervisor, its commands on the
 * Windows client need the client reached through the hypervisor's guest agent. Decided here,
 * for the window and failoverctl alike.
 *
 * Returns: %TRUE, or %FALSE with @error saying what is missing
 */
gboolean
fl_exercise_check_lab (FlExercise  *self,
                       FlLab       *lab,
                       gboolean     hypervisor,
                       GError     **error)
{
  gboolean client = fl_exercise_uses_step_kind (self, FL_STEP_CLIENT);

  g_return_val_if_fail (FL_IS_EXERCISE (self), FALSE);
  if (client && !fl_lab_client_is_remote (lab))
    {
      g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                           _("This exercise runs commands on the Windows client: the lab file must "
                             "name it, reached through the guest agent or OpenSSH (client.access "
                             "\"guest-agent\" or \"ssh\")"));
      return FALSE;
    }
  client = client && fl_lab_client_needs_hypervisor (lab);
  if ((client || fl_exercise_uses_step_kind (self, FL_STEP_VM)) && !hypervisor)
    {
      g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE,
                           client ? _("This exercise runs commands on the Windows client through the "
                                      "hypervisor: connect to the hypervisor first")
                                  : _("This exercise acts on the lab's VMs: connect to the hypervisor first"));
      return FALSE;
    }
  return TRUE;
}

/* fl-sample.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fl-probe-types.h"

G_BEGIN_DECLS

#define FL_TYPE_SAMPLE (fl_sample_get_type ())

typedef struct _FlSample FlSample;

GType        fl_sample_get_type       (void) G_GNUC_CONST;
FlSample    *fl_sample_new            (FlCheckKind  kind,
                                       const char  *dc,
                                       FlStatus     status,
                                       gint64       started_us,
                                       gint64       latency_us,
                                       const char  *message,
                                       GVariant    *detail);
FlSample    *fl_sample_new_full       (FlCheckKind  kind,
                                       const char  *dc,
                                       FlStatus     status,
                                       gint64       mono_us,
                                       gint64       wall_us,
                                       gint64       latency_us,
                                       const char  *message,
                                       GVariant    *detail);
FlSample    *fl_sample_new_sharing    (FlSample       *self,
                                       const FlSample *previous);
FlSample    *fl_sample_ref            (FlSample    *self);
void         fl_sample_unref          (FlSample    *self);
FlCheckKind  fl_sample_get_kind       (const FlSample *self);
const char  *fl_sample_get_dc         (const FlSample *self);
FlStatus     fl_sample_get_status     (const FlSample *self);
gint64       fl_sample_get_mono_us    (const FlSample *self);
gint64       fl_sample_get_wall_us    (const FlSample *self);
gint64       fl_sample_get_latency_us (const FlSample *self);
const char  *fl_sample_get_message    (const FlSample *self);
GVariant    *fl_sample_get_detail     (const FlSample *self);
const char  *fl_sample_lookup_string  (const FlSample *self,
                                       const char     *key);
gboolean     fl_sample_lookup_int64   (const FlSample *self,
                                       const char     *key,
                                       gint64         *value);
JsonNode    *fl_sample_to_json        (const FlSample *self);
FlSample    *fl_sample_new_from_json  (JsonNode       *node,
                                       GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlSample, fl_sample_unref)

G_END_DECLS

/* fl-recording.h: samples and events written out: JSON Lines (a recording) and CSV
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fl-timeline.h"

G_BEGIN_DECLS

typedef enum
{
  FL_RECORDING_JSONL,
  FL_RECORDING_CSV,
} FlRecordingFormat;

GPtrArray *fl_recording_collect (FlTimeline         *timeline);
gboolean   fl_recording_write   (GPtrArray          *items,
                                 FlRecordingFormat   format,
                                 GOutputStream      *out,
                                 GCancellable       *cancellable,
                                 GError            **error);

gboolean   fl_recording_write_samples (GPtrArray          *samples,
                                       FlRecordingFormat   format,
                                       GOutputStream      *out,
                                       GCancellable       *cancellable,
                                       GError            **error);

G_END_DECLS

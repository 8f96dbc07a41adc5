/*
 * concord/concord.h — the whole public API of libconcord.
 */
#ifndef CONCORD_H
#define CONCORD_H

#include "concord/common.h"
#include "concord/text.h"
#include "concord/segment.h"
#include "concord/tm.h"
#include "concord/match.h"
#include "concord/glossary.h"
#include "concord/doc.h"

#endif

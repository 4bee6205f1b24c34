/* registry.c — the one table through which sim/ reaches the modality kinds,
 * in nelm_kind_id order. */
#include "model.h"

const nelm_kind *const nelm_kinds[NELM_NKINDS + 1] = {
    &nelm_kind_resection, &nelm_kind_transplant, &nelm_kind_iat,         &nelm_kind_prrt,
    &nelm_kind_ssa,       &nelm_kind_targeted,   &nelm_kind_observation, NULL,
};

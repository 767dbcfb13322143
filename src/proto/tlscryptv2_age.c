/* --tls-crypt-v2-max-age: see tlscryptv2_age.h. */
#include <errno.h>

#include "proto/tlscryptv2.h"
#include "proto/tlscryptv2_age.h"

#define AGE_TS_LEN 8u
#define AGE_DAY 86400

int tlscryptv2_age_check(const uint8_t *meta, size_t len, int max_days,
			 int64_t now, int64_t *age_days)
{
	uint64_t ts = 0;

	if (len != 1 + AGE_TS_LEN || meta[0] != TLSCRYPTV2_METADATA_TIMESTAMP)
		return -ENODATA;
	for (unsigned i = 1; i <= AGE_TS_LEN; i++)
		ts = ts << 8 | meta[i];
	/* a timestamp past INT64_MAX is from no real clock: as old as can be */
	if (ts > (uint64_t)INT64_MAX)
		ts = 0;
	*age_days = (now - (int64_t)ts) / AGE_DAY;
	/* 2.7 compares seconds: older than max_days * 86400 is refused */
	if (now - (int64_t)ts > (int64_t)max_days * AGE_DAY)
		return -EKEYEXPIRED;
	return 0;
}

package s3

import (
	"fmt"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestOverwritePlacement: an overwrite places the new version by its
// old one's group (regionPool.overHash) instead of hashing the key; the
// group must be the one place's full hash picks, for lists of groups a
// power of two long or not, for sizes and classes that change, and after
// a lifecycle transition placed the old version without its key
// (flagRehomed).
func TestOverwritePlacement(t *testing.T) {
	for _, groups := range []int{64, 3, 1} {
		t.Run(fmt.Sprintf("groups=%d", groups), func(t *testing.T) {
			f := newFixture(t, 7, Options{GroupsPerPool: groups})
			want := func(b *bucket, key string, v *version) {
				gs := b.pool.multi
				if classes[v.class].singleZone {
					gs = b.pool.single
				}
				h := b.hash ^ fnv64(key)*31 ^ v.seq
				require.Equal(t, gs[h%uint64(len(gs))], v.group, "key %q seq %d", key, v.seq)
			}
			f.do(func(p *sim.Proc) {
				f.bucket(p, "place")
				b := f.svc.buckets["aws/place"]
				classes := []StorageClass{"", StorageClassStandardIA, StorageClassOnezoneIA}
				for i := range 300 {
					key := fmt.Sprintf("k/%d", i%7)
					in := &PutObjectInput{Bucket: "place", Key: key, ContentLength: Int64(int64(1024 * (1 + i%3))), StorageClass: classes[i/21%3]}
					_, err := f.admin.PutObject(p, in)
					require.NoError(t, err)
					v, ok := b.heads.get(key)
					require.True(t, ok)
					want(b, key, v)
					if i%11 == 0 {
						// A transition between multi- and single-zone
						// classes places the version again, not by its key.
						to := classOnezoneIA
						if v.class == classOnezoneIA {
							to = classStandardIA
						}
						f.svc.transition(b, v, to)
						require.NotZero(t, v.flags&flagRehomed)
					}
				}
			})
		})
	}
}

package ec2

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// ImageID hashes name, a zero byte and region without concatenating them:
// the same IDs as before.
func TestImageIDUnchanged(t *testing.T) {
	for _, im := range PublicImages() {
		for _, r := range []string{"us-east-1", "eu-west-1", ""} {
			require.Equal(t, mix.ID("ami", mix.SplitMix64(mix.FNV64a(im.Name+"\x00"+r))), ImageID(im.Name, r))
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		a, b := rapid.String().Draw(t, "a"), rapid.String().Draw(t, "b")
		require.Equal(t, mix.FNV64a(a+b), fnv64aMore(mix.FNV64a(a), b))
	})
}

package ec2

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// VolumeSpecs, built from the list by index, and VolumeSpecOf answer
// exactly what the spec table holds, for every type and no other.
func TestVolumeSpecsMatchTable(t *testing.T) {
	require.Equal(t, volumeSpecs, VolumeSpecs())
	require.Len(t, volumeTypeList, len(volumeSpecs))
	for i, vt := range volumeTypeList {
		require.Equal(t, i, volumeTypeIndex(vt))
		sp, ok := VolumeSpecOf(vt)
		require.True(t, ok)
		require.Equal(t, volumeSpecs[vt], sp)
	}
	_, ok := VolumeSpecOf("gp1")
	require.False(t, ok)
	// A fresh copy per call.
	a := VolumeSpecs()
	a[VolumeTypeGp3] = VolumeSpec{}
	require.Equal(t, volumeSpecs[VolumeTypeGp3], VolumeSpecs()[VolumeTypeGp3])
}

package vpc

import (
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// PlanLaunch without a subnet picks the default subnet of the zone with
// the least name (or of the zone asked for), and remembers its pick only
// until a subnet goes: deleting the picked default subnet moves the next
// launch to the next zone, and a zone without one fails.
func TestPlanLaunchDefaultSubnetFollowsDeletion(t *testing.T) {
	f := newFixture(t, 9)
	first, err := f.svc.PlanLaunch(testAccount, testRegion, "", nil, "")
	require.NoError(t, err)
	again, err := f.svc.PlanLaunch(testAccount, testRegion, "", nil, "")
	require.NoError(t, err)
	require.Equal(t, first.SubnetID, again.SubnetID)
	inZone, err := f.svc.PlanLaunch(testAccount, testRegion, "", nil, first.AZID)
	require.NoError(t, err)
	require.Equal(t, first.SubnetID, inZone.SubnetID)
	require.Equal(t, "us-east-1a", f.svc.azName(testAccount, first.AZID))

	f.do(func(p *sim.Proc) {
		_, err := f.c.DeleteSubnet(p, &DeleteSubnetInput{SubnetId: first.SubnetID})
		require.NoError(t, err)
	})
	next, err := f.svc.PlanLaunch(testAccount, testRegion, "", nil, "")
	require.NoError(t, err)
	require.NotEqual(t, first.SubnetID, next.SubnetID)
	require.NotEqual(t, first.AZID, next.AZID)
	require.Equal(t, "us-east-1b", f.svc.azName(testAccount, next.AZID))
	_, err = f.svc.PlanLaunch(testAccount, testRegion, "", nil, first.AZID)
	requireCode(t, err, "MissingInput")
}

// The launch subnets ensureDefault records up front are the ones
// launchSubnet finds by walking every subnet, for every zone and for "".
func TestLaunchSubnetPicksRecordedByEnsureDefault(t *testing.T) {
	for _, acct := range []string{testAccount, "444455556666", "777788889999"} {
		f := newFixture(t, 11)
		v := f.svc.ensureDefault(acct, testRegion)
		require.NotNil(t, v)
		r, err := f.w.Region(testRegion)
		require.NoError(t, err)
		zones := append([]string{""}, func() (ids []string) {
			for _, z := range r.AZs() {
				ids = append(ids, z.ID())
			}
			return ids
		}()...)
		recorded := map[string]*subnetRec{}
		for _, az := range zones {
			recorded[az] = f.svc.launchSubnet(acct, v, az)
			require.NotNil(t, recorded[az], "zone %q", az)
		}
		f.svc.subnetGen++ // forget the recorded picks: walk the subnets
		for _, az := range zones {
			require.Same(t, recorded[az], f.svc.launchSubnet(acct, v, az), "zone %q", az)
		}
	}
}

package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// Each platform bills at its granularity, operation and price: per second
// with a 60 s minimum for Linux/UNIX, Windows, RHEL and Ubuntu Pro, per
// started hour for SUSE; licensed platforms add their fee per vCPU-hour.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/billing-info-fields.html
// https://aws.amazon.com/ec2/pricing/on-demand/
func TestPlatformBilling(t *testing.T) {
	for _, tc := range []struct {
		platform string
		op       string
		price    string // per hour, m5.large (2 vCPUs)
		secs     int64  // billed for a 90 s run
	}{
		{PlatformLinux, "RunInstances", "0.096", 90},
		{PlatformWindows, "RunInstances:0002", "0.188", 90},
		{PlatformRHEL, "RunInstances:0010", "0.1248", 90},
		{PlatformUbuntuPro, "RunInstances:0g00", "0.103", 90},
		{PlatformSUSE, "RunInstances:000g", "0.121", 3600},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			f := newFixture(t, 170, Options{})
			var ami string
			for _, pi := range publicImages {
				if pi.PlatformDetails == tc.platform || (tc.platform == PlatformLinux && pi.PlatformDetails == "") {
					ami = ImageID(pi.Name, testRegion)
					break
				}
			}
			var id string
			f.do(2*time.Hour, func(p *sim.Proc) {
				m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", ImageId: ami})
				id = m.ID()
				require.Equal(t, tc.platform, m.describe().PlatformDetails)
				require.NoError(t, p.Sleep(90*time.Second))
				_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{id}})
				require.NoError(t, err)
			})
			lines := f.lines(testAccount, id, "BoxUsage:m5.large")
			require.Len(t, lines, 1)
			li := lines[0]
			require.Equal(t, tc.op, li.Operation)
			require.Equal(t, billing.MustParsePrice(tc.price), li.UnitPrice)
			// The run lasts 90 s plus the terminate call's latency, rounded
			// up to the second by per-second meters.
			got := f.billedSeconds(testAccount, id)
			require.GreaterOrEqual(t, got, tc.secs)
			require.LessOrEqual(t, got, max(tc.secs, 92))
		})
	}
}

package autoscaling_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// On a new account's quotas (5 Standard vCPUs) a group of four m5.large
// (2 vCPUs each) gets two; its activity log says why, in EC2's words, and
// it keeps trying without exceeding the quota.
func TestGroupMeetsVCPUQuota(t *testing.T) {
	f := newFixQuotas(t, 7, nil)
	f.web(4)
	f.do(func(p *sim.Proc) { require.NoError(t, p.Sleep(15*time.Minute)) })
	f.do(func(p *sim.Proc) {
		out, err := f.c.DescribeAutoScalingGroups(p, nil)
		require.NoError(t, err)
		require.Len(t, out.AutoScalingGroups[0].Instances, 2)
	})
	acts := strings.Join(f.as.Activities(acct, testRegion, "web"), "\n")
	require.Contains(t, acts, "VcpuLimitExceeded")
	require.Contains(t, acts, "current vCPU limit of 5 allows")
	require.NotContains(t, acts, "InsufficientInstanceCapacity")
	// The quota is the account's in the region: a round that meets it
	// stops, rather than trying every other zone at the same instant.
	failedAt := map[string]int{}
	for _, line := range f.as.Activities(acct, testRegion, "web") {
		if strings.Contains(line, "VcpuLimitExceeded") {
			failedAt[strings.Fields(line)[0]]++
		}
	}
	require.NotEmpty(t, failedAt)
	for at, n := range failedAt {
		require.Equal(t, 1, n, "quota failures at %s", at)
	}
}

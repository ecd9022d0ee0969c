package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// TestDeterministicTrace runs a mixed scenario (spot under the statistical
// model with rebalance recommendations, on-demand stop/start/reboot,
// burstable work, volumes and snapshots) twice at the same seed and
// compares trace hashes: same seed, same run, bit for bit.
func TestDeterministicTrace(t *testing.T) {
	scenario := func(env *sim.Env) {
		w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 2, "t3": 1, "c5": 1}})
		sp := DefaultSpotOptions()
		sp.DefaultBucket, sp.RebalanceProbability, sp.Buckets = BucketOver20, 1, nil
		svc := MustNew(w, Options{Spot: &sp, Quotas: establishedQuotas()}) // 46 vCPUs: above a new account's quotas
		root, _ := w.CreateAccount(testAccount)
		c := svc.NewClient(testRegion, root) // the root user may do anything in its account
		ami := ImageID(PublicImages()[0].Name, testRegion)
		env.Go("ops", func(p *sim.Proc) {
			spot := &InstanceMarketOptionsRequest{MarketType: MarketTypeSpot}
			out, err := c.RunInstances(p, &RunInstancesInput{ImageId: ami, InstanceType: "c5.large", MinCount: 20, MaxCount: 20, InstanceMarketOptions: spot})
			if err != nil {
				t.Error(err)
				return
			}
			od, _ := c.RunInstances(p, &RunInstancesInput{ImageId: ami, InstanceType: "t3.micro", MinCount: 3, MaxCount: 3})
			p.Sleep(time.Minute)
			for _, i := range od.Instances {
				m, _ := svc.Machine(i.InstanceId)
				m.Go("work", func(q *sim.Proc) { m.Work(q, 1e4) })
			}
			vol, _ := c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: od.Instances[0].Placement.AvailabilityZone, Size: 10})
			p.Sleep(time.Minute)
			c.AttachVolume(p, &AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: od.Instances[0].InstanceId, Device: "/dev/sdf"})
			c.CreateSnapshot(p, &CreateSnapshotInput{VolumeId: vol.VolumeId})
			ids := []string{od.Instances[1].InstanceId}
			c.RebootInstances(p, &RebootInstancesInput{InstanceIds: ids})
			p.Sleep(time.Hour)
			c.StopInstances(p, &StopInstancesInput{InstanceIds: ids})
			p.Sleep(time.Hour)
			c.StartInstances(p, &StartInstancesInput{InstanceIds: ids})
			_ = out
		})
		env.RunFor(30 * 24 * time.Hour)
	}
	if _, err := sim.CheckDeterminism(77, scenario); err != nil {
		t.Fatal(err)
	}
	// The scenario must exercise what it claims to.
	env := sim.New(77, sim.WithTrace())
	defer env.Close()
	scenario(env)
	kinds := map[string]int{}
	for _, r := range env.Trace().Records() {
		kinds[r.Kind]++
	}
	if kinds["ec2.state"] < 40 || kinds["ec2.spot.notice"] == 0 || kinds["ec2.spot.rebalance"] == 0 || kinds["ec2.reboot"] != 1 {
		t.Fatalf("trace kinds %v", kinds)
	}
}

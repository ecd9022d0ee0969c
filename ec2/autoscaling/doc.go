// Package autoscaling simulates Amazon EC2 Auto Scaling: launch templates
// (EC2's CreateLaunchTemplate), and groups (CreateAutoScalingGroup,
// UpdateAutoScalingGroup, SetDesiredCapacity, DescribeAutoScalingGroups,
// DeleteAutoScalingGroup, PutScalingPolicy, PutScheduledUpdateGroupAction)
// through region.World.Call under autoscaling:<Action>, with
// ValidationError, AlreadyExists and ResourceInUse as AWS returns them.
//
//	as := autoscaling.MustNew(lbs, autoscaling.Options{})
//	as.RegisterUserData("web", func(m *ec2.Machine) error { _, err := srv.Listen(m, 80, h, o); return err })
//	c := as.NewClient("us-east-1", creds)
//	c.CreateLaunchTemplate(p, &autoscaling.CreateLaunchTemplateInput{LaunchTemplateName: "web",
//		LaunchTemplateData: &autoscaling.RequestLaunchTemplateData{ImageId: ami, InstanceType: "m5.large", UserData: "web"}})
//	c.CreateAutoScalingGroup(p, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: "web",
//		LaunchTemplate: &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: "web"},
//		MinSize: &two, MaxSize: &eight, VPCZoneIdentifier: subnetA + "," + subnetB,
//		TargetGroupARNs: []string{tgArn}, HealthCheckType: "ELB", HealthCheckGracePeriod: &sixty})
//
// Each group has a control loop (a daemon process, every Options.Period,
// 10 s by default) that applies scheduled actions and target-tracking
// policies, marks instances unhealthy by EC2 status (not running) or, with
// the ELB health-check type after the grace period, by the target
// group's verdict, terminates and replaces them, and launches toward the
// desired capacity in the zone with the fewest instances, trying another
// zone when one refuses (InsufficientInstanceCapacity, a dark zone).
// Scale-in follows the default termination policy (the zone with the most
// instances, oldest first). Launched instances run their launch
// template's user data (a Go function registered by name) and are
// registered with the group's target groups once running.
//
// Target tracking reads average CPU utilization — the vCPU-seconds the
// handlers did through serve.Service.Work over one-minute windows — or the
// ALB's requests per target per minute, counting only instances past
// their warm-up; it scales out at once and in after the cooldown (300 s).
// Mixed-instances policies launch on-demand instances up to
// OnDemandBaseCapacity, then OnDemandPercentageAboveBaseCapacity of the
// rest (rounded toward on-demand), and spot for the remainder. Spot
// launches try the overrides' types by the allocation strategy:
// lowest-price and price-capacity-optimized by the pools' current spot
// price, capacity-optimized in the overrides' order, each falling through
// to the next pool when one has no capacity. With CapacityRebalance, a
// spot instance with a rebalance recommendation (or an interruption
// notice) is replaced first and terminated once its replacement is in
// service.
//
// Simplifications and gaps: the group's EC2 and ELB calls are made with
// its creator's credentials (AWS uses a service-linked role); the
// capacity half of the capacity-aware strategies is only the fall-through
// (the pools' spare capacity is not consulted); no lifecycle hooks,
// warm pools, step or predictive scaling; Recurrence is replaced by
// Every on scheduled actions.
package autoscaling

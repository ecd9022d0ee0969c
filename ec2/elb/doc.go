// Package elb simulates Elastic Load Balancing v2 for Application Load
// Balancers: the API (CreateLoadBalancer, CreateTargetGroup,
// RegisterTargets, DeregisterTargets, CreateListener, CreateRule,
// DescribeTargetHealth, DescribeLoadBalancers, DescribeTargetGroups,
// DescribeListeners, Modify*Attributes, Delete*) through
// region.World.Call under the IAM actions elasticloadbalancing:<Action>,
// with ELB's error codes (ValidationError, DuplicateListener,
// TargetGroupNotFound, InvalidTarget, SubnetNotFound, PriorityInUse, ...);
// and its data plane, which forwards HTTP requests to servers listening
// on instances (package ec2/serve).
//
// # Usage
//
//	srv := serve.New(ec2svc)
//	lbs := elb.MustNew(srv, elb.Options{})
//	c := lbs.NewClient("us-east-1", creds)
//	lb, _ := c.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "web", Subnets: []string{subnetA, subnetB}})
//	tg, _ := c.CreateTargetGroup(p, &elb.CreateTargetGroupInput{Name: "web", Protocol: "HTTP", Port: &port, VpcId: vpcID})
//	c.RegisterTargets(p, &elb.RegisterTargetsInput{TargetGroupArn: tgArn, Targets: []elb.TargetDescription{{Id: id}}})
//	c.CreateListener(p, &elb.CreateListenerInput{LoadBalancerArn: lbArn, Protocol: "HTTP", Port: &port,
//		DefaultActions: []elb.Action{{Type: "forward", TargetGroupArn: tgArn}}})
//	ep, _ := lbs.Endpoint(lbArn) // where clients send requests (serve.Poisson, ...)
//
// # The model
//
// A load balancer has one node per enabled zone (at least two zones, one
// subnet each, one VPC). Clients resolve its DNS name to one of the nodes
// at random; a node that goes down (its zone dark, or NodeOutage) stays in
// DNS for the 60-second TTL, and clients that pick it time out. Cross-zone
// load balancing is on, as AWS has it for ALBs (a target group may turn it
// off). A node evaluates the listener's rules by priority (path patterns
// with * and ?), then forwards to a target of the group by round robin or
// least outstanding requests, among the healthy targets in enabled zones;
// if none is healthy it fails open and routes to all of them. Slow start
// ramps a newly healthy target's share linearly.
//
// Health checks run every HealthCheckIntervalSeconds (default 30 s) with
// a timeout (5 s); a new target is healthy after one passing check, a
// healthy one unhealthy after UnhealthyThresholdCount (2) consecutive
// failures, an unhealthy one healthy again after HealthyThresholdCount
// (5) successes. One checker per target stands for every node's checks.
// Deregistration drains a target for deregistration_delay (300 s).
//
// Errors: 503 when a group has no registered targets; 502 on a refused or
// dropped connection (no server, a full backlog, an instance going down,
// a panicking handler); 504 when the target does not answer within the
// idle timeout (60 s) or cannot be reached within the 10-second connect
// timeout (a stopped instance, a dark zone).
//
// # Billing
//
// ALB hours (LoadBalancerUsage, each started hour) and LCU-hours
// (LCUUsage): per clock hour, the largest of new connections / (25/s),
// active connections / (3,000/min), processed bytes / (1 GB/h) and rule
// evaluations beyond 10 free rules / (1,000/s), metered in millionths of
// an LCU-hour. Every request is a new connection (no keep-alive).
//
// # Faults
//
// HealthCheckFailure, SlowDown, NodeOutage and ServerCrash are
// failure.Fault values for a failure.Harness with the Service among its
// targets; they compose with failure.At, All, During and the rest.
//
// Simplifications: HTTP only (no HTTPS, certificates, sticky sessions,
// host/header conditions, weighted forward actions); one action per rule;
// a target group serves one load balancer; instance targets only.
package elb

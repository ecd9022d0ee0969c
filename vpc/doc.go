// Package vpc is reserved for simulated VPC networking: VPCs, subnets
// (netip.Prefix), route tables, internet and NAT gateways, endpoints,
// security groups and network ACLs, public and elastic IPs, reachability,
// load balancers and the classification of data transfer for billing.
//
// It is not implemented yet: no issue has been taken for it. The package
// exists so that the planned top-level layout is in place; it exports
// nothing.
package vpc

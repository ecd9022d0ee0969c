// # Sources
//
// Comments in this package cite their figures' sources by the name in
// brackets, e.g. [Kadupitiya et al. 2020]:
//
//   - Kadupitiya et al. 2020: J.C.S. Kadupitiya, V. Jadhao, P. Sharma,
//     "Modeling the Temporally Constrained Preemptions of Transient Cloud
//     VMs", HPDC 2020, https://arxiv.org/abs/1911.05160
//   - Young 1974: J. W. Young, "A first order approximation to the optimum
//     checkpoint interval", CACM 17(9):530-531, 1974,
//     https://doi.org/10.1145/361147.361115
//   - Daly 2006: J. T. Daly, "A higher order estimate of the optimum
//     checkpoint interval for restart dumps", FGCS 22(3):303-312, 2006,
//     https://doi.org/10.1016/j.future.2004.11.016
//   - Ford et al. 2010: D. Ford et al., "Availability in Globally
//     Distributed Storage Systems", OSDI 2010,
//     https://www.usenix.org/conference/osdi10/availability-globally-distributed-storage-systems
//   - Dean 2009: J. Dean, LADIS 2009 keynote, slide "Typical first year for
//     a new cluster",
//     https://www.cs.cornell.edu/projects/ladis2009/talks/dean-keynote-ladis2009.pdf
package failure

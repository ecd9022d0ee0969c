package ec2

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/region"
)

// Image describes an AMI as DescribeImages returns it. An image exists per
// region: the same published image (say Amazon Linux 2023 for x86_64) has
// a different ImageId in every region, and a launch in one region with
// another region's ID fails with InvalidAMIID.NotFound.
type Image struct {
	ImageId            string
	Name               string
	Description        string
	Architecture       string // "x86_64"
	PlatformDetails    string // "Linux/UNIX"
	RootDeviceName     string // "/dev/xvda"
	RootDeviceType     string // "ebs"
	RootVolumeSizeGiB  int32
	RootVolumeType     VolumeType
	OwnerId            string
	Public             bool
	Region             string
	RequiresGPU        bool
	EnaSupport         bool
	VirtualizationType string
	// ImdsSupport is "v2.0" or "" (see PublicImage.ImdsSupport).
	ImdsSupport string
	// UsageOperation is the billing code of PlatformDetails
	// ("RunInstances:0002" for Windows).
	UsageOperation string
}

// PublicImage is one published image family, registered in every region
// under a region-specific ID.
type PublicImage struct {
	Name              string
	Description       string
	Architecture      string
	RootDeviceName    string
	RootVolumeSizeGiB int32
	OwnerId           string
	// ImdsSupport "v2.0" makes instances launched from the image require
	// IMDSv2 tokens unless the launch says otherwise.
	ImdsSupport string
	// PlatformDetails is the billing platform (PlatformLinux when empty);
	// see platforms.go.
	PlatformDetails string
}

// imageAL2023Arm indexes the arm64 Amazon Linux image (Graviton types).
const imageAL2023Arm = 3

// PublicImages returns the images every simulated region carries, a fresh
// copy per call. Their root volume sizes follow the published AMIs (Amazon
// Linux and Ubuntu 8 GiB; the Deep Learning AMI 75 GiB).
func PublicImages() []PublicImage { return append([]PublicImage(nil), publicImages...) }

// publicImages is never written after initialisation; PublicImages
// copies it.
var publicImages = []PublicImage{
	{Name: "al2023-ami-2023.6.20250101.0-kernel-6.1-x86_64", Description: "Amazon Linux 2023 AMI", Architecture: "x86_64",
		RootDeviceName: "/dev/xvda", RootVolumeSizeGiB: 8, OwnerId: "137112412989"},
	{Name: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250101", Description: "Canonical, Ubuntu, 22.04 LTS",
		Architecture: "x86_64", RootDeviceName: "/dev/sda1", RootVolumeSizeGiB: 8, OwnerId: "099720109477"},
	{Name: "Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.5 (Amazon Linux 2023) 20250101",
		Description: "Deep Learning AMI with PyTorch", Architecture: "x86_64", RootDeviceName: "/dev/xvda",
		RootVolumeSizeGiB: 75, OwnerId: "898082745236"},
	// AL2023 AMIs are registered with ImdsSupport v2.0, so their instances
	// default to HttpTokens required:
	// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html
	// (the x86_64 images above keep the "optional" default, so that
	// scenarios written against IMDSv1 keep running).
	{Name: "al2023-ami-2023.6.20250101.0-kernel-6.1-arm64", Description: "Amazon Linux 2023 AMI (arm64)", Architecture: "arm64",
		RootDeviceName: "/dev/xvda", RootVolumeSizeGiB: 8, OwnerId: "137112412989", ImdsSupport: "v2.0"},
	// Licensed platforms (billing: platforms.go).
	{Name: "Windows_Server-2022-English-Full-Base-2025.01.15", Description: "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon",
		Architecture: "x86_64", RootDeviceName: "/dev/sda1", RootVolumeSizeGiB: 30, OwnerId: "801119661308", PlatformDetails: PlatformWindows},
	{Name: "RHEL-9.5.0_HVM-20250101-x86_64-0-Hourly2-GP3", Description: "Provided by Red Hat, Inc.",
		Architecture: "x86_64", RootDeviceName: "/dev/sda1", RootVolumeSizeGiB: 10, OwnerId: "309956199498", PlatformDetails: PlatformRHEL},
	{Name: "suse-sles-15-sp6-v20250101-hvm-ssd-x86_64", Description: "SUSE Linux Enterprise Server 15 SP6 (HVM, 64-bit, SSD-Backed)",
		Architecture: "x86_64", RootDeviceName: "/dev/sda1", RootVolumeSizeGiB: 10, OwnerId: "013907871322", PlatformDetails: PlatformSUSE},
	{Name: "ubuntu-pro-server/images/hvm-ssd/ubuntu-jammy-22.04-amd64-pro-server-20250101", Description: "Canonical, Ubuntu Pro, 22.04 LTS",
		Architecture: "x86_64", RootDeviceName: "/dev/sda1", RootVolumeSizeGiB: 8, OwnerId: "099720109477", PlatformDetails: PlatformUbuntuPro},
}

// ImageID returns the region-specific AMI ID of a public image name: a
// stable hash of (name, region), so that scenarios can hard-code nothing
// and still get the same IDs on every run.
func ImageID(name, region string) string {
	// FNV-1a of name+"\x00"+region, hashed in place: the concatenation
	// was an allocation (names are longer than the compiler's stack
	// buffer) on every call, and scenarios call this per world.
	h := fnv64aMore(mix.FNV64a(name), "\x00")
	return mix.ID("ami", mix.SplitMix64(fnv64aMore(h, region)))
}

// fnv64aMore continues the FNV-1a hash h (mix.FNV64a's) over s:
// fnv64aMore(mix.FNV64a(a), b) == mix.FNV64a(a+b).
func fnv64aMore(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// imagesIn builds the public images of one region.
func imagesIn(region string) map[string]*Image {
	m := make(map[string]*Image, len(publicImages))
	for _, pi := range publicImages {
		if pi.PlatformDetails == "" {
			pi.PlatformDetails = PlatformLinux
		}
		pl, _ := platformOf(pi.PlatformDetails)
		img := &Image{
			ImageId: ImageID(pi.Name, region), Name: pi.Name, Description: pi.Description,
			Architecture: pi.Architecture, PlatformDetails: pi.PlatformDetails, RootDeviceName: pi.RootDeviceName,
			RootDeviceType: "ebs", RootVolumeSizeGiB: pi.RootVolumeSizeGiB, RootVolumeType: VolumeTypeGp3,
			OwnerId: pi.OwnerId, Public: true, Region: region, EnaSupport: true, VirtualizationType: "hvm",
			ImdsSupport: pi.ImdsSupport, UsageOperation: pl.usageOperation,
		}
		m[img.ImageId] = img
	}
	return m
}

// builtinImages is the public images of every region of region.Catalog(),
// by region code, built once per process and shared read-only by every
// Service (no image is ever written after it is built), so that a world
// doesn't pay for sixteen regions' AMIs.
var builtinImages = sync.OnceValue(func() map[string]map[string]*Image {
	m := map[string]map[string]*Image{}
	for _, r := range region.Catalog() {
		m[r.Code] = imagesIn(r.Code)
	}
	return m
})

// imagesOf returns region's public images by ID: the shared table of a
// built-in region, or, for a region of the world the built-in catalog
// doesn't have, a table of the Service's own made on first use (nil for a
// region not in the world).
func (s *Service) imagesOf(region string) map[string]*Image {
	if m, ok := builtinImages()[region]; ok {
		return m
	}
	if m, ok := s.images[region]; ok {
		return m
	}
	if _, err := s.w.Region(region); err != nil {
		return nil
	}
	if s.images == nil {
		s.images = map[string]map[string]*Image{}
	}
	m := imagesIn(region)
	s.images[region] = m
	return m
}

// image looks up an AMI ID as seen from region.
func (s *Service) image(id, region string) (*Image, error) {
	if c := &s.lastImage; c.img != nil && c.id == id && c.region == region {
		return c.img, nil // a region's images never change
	}
	if !validID(id, "ami-") {
		return nil, clientErr("InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", id)
	}
	img, ok := s.imagesOf(region)[id]
	if !ok {
		return nil, errAMINotFound(id)
	}
	s.lastImage = imageEntry{id, region, img}
	return img, nil
}

// DescribeImagesInput filters by ID or by name (exact match).
type DescribeImagesInput struct {
	ImageIds []string
	Names    []string
}

// DescribeImagesOutput lists the matching images, sorted by ID.
type DescribeImagesOutput struct {
	Images []Image
}

// DescribeImages describes the region's images (the public ones: every
// region carries PublicImages under its own IDs).
func (c *Client) DescribeImages(ctx context.Context, in *DescribeImagesInput) (*DescribeImagesOutput, error) {
	if in == nil {
		in = &DescribeImagesInput{}
	}
	var out *DescribeImagesOutput
	err := c.call(ctx, "DescribeImages", resRef{}, nil, func(string) error {
		var err error
		out, err = c.svc.describeImages(c.region, in)
		return err
	})
	return out, wrap("DescribeImages", err)
}

func (s *Service) describeImages(region string, in *DescribeImagesInput) (*DescribeImagesOutput, error) {
	out := &DescribeImagesOutput{}
	for _, id := range in.ImageIds {
		if _, err := s.image(id, region); err != nil {
			return nil, err
		}
	}
	want := func(img *Image) bool {
		if len(in.ImageIds) > 0 && !contains(in.ImageIds, img.ImageId) {
			return false
		}
		return len(in.Names) == 0 || contains(in.Names, img.Name)
	}
	for _, img := range s.imagesOf(region) {
		if want(img) {
			out.Images = append(out.Images, *img)
		}
	}
	sort.Slice(out.Images, func(i, j int) bool { return out.Images[i].ImageId < out.Images[j].ImageId })
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// validID reports whether id is prefix followed by 8 or 17 lowercase hex
// digits, EC2's two resource-ID lengths.
func validID(id, prefix string) bool {
	h, ok := strings.CutPrefix(id, prefix)
	if !ok || (len(h) != 8 && len(h) != 17) {
		return false
	}
	return mix.IsLowerHex(h)
}

// imageEntry is the image Service.image found last: a workload launches
// one image over and over.
type imageEntry struct {
	id, region string
	img        *Image
}

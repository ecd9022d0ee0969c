package region

type background struct{}

func (b *background) forget(s Slot) {}

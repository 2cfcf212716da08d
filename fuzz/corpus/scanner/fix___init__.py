# covengine test fixture: a tiny, made-up EasyDeL-shaped package.

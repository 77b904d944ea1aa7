alpha = 0.2
F.leaky_relu(x, negative_slope=alpha) + torch.where(x > 1, x ** 2, 0.0)

import torch
import torch.nn as nn

class Swish(nn.Module):
	def __init__(self, beta=1.0):
		super().__init__()
		assert beta > 0, "beta must be positive"
		self.beta = beta
		print("Swish", beta)

	def forward(self, x):
		return x * torch.sigmoid(self.beta * x)

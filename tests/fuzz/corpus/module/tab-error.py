import torch
import torch.nn as nn

class Mixed(nn.Module):
    def forward(self, x):
        y = torch.tanh(x)
	return y

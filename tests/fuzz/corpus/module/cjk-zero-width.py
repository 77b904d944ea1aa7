import torch
# 激活函数​
class Act(torch.nn.Module):
    def forward(self, x):  # 前向
        return x.clamp(min=0)
